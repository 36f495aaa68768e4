package io.ecokube.power.ipmi.rmcp;

import io.ecokube.api.secret.Secret;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What an {@link RmcpPlusSession} needs to open: where, who, how securely, and how patiently.
 *
 * @param target the BMC's UDP address; may be unresolved (resolved when a session opens)
 * @param username the IPMI user name, at most 16 bytes
 * @param password the user's password, at most 20 bytes; only its bytes ever reach the wire
 * @param cipherSuites the suites to offer, in order of preference; the next is tried when the BMC
 *     refuses one
 * @param privilege the privilege level the session runs at
 * @param responseTimeout how long to wait for an answer before retransmitting
 * @param retries how many times a request is retransmitted before giving up
 * @param pacer spaces requests to this BMC
 */
public record SessionConfig(
    InetSocketAddress target,
    String username,
    Secret password,
    List<CipherSuite> cipherSuites,
    Privilege privilege,
    Duration responseTimeout,
    int retries,
    ExchangePacer pacer) {

  /** Maximum length of an IPMI user name in bytes. */
  public static final int MAX_USERNAME_BYTES = 16;

  /** Maximum length of an IPMI v2.0 password in bytes. */
  public static final int MAX_PASSWORD_BYTES = Rakp.KEY_LENGTH;

  /** Validates the configuration. */
  public SessionConfig {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(privilege, "privilege");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(pacer, "pacer");
    cipherSuites = List.copyOf(cipherSuites);
    if (cipherSuites.isEmpty()) {
      throw new IllegalArgumentException("at least one cipher suite is needed");
    }
    if (username.getBytes(StandardCharsets.UTF_8).length > MAX_USERNAME_BYTES) {
      throw new IllegalArgumentException(
          "IPMI user names are at most " + MAX_USERNAME_BYTES + " bytes long");
    }
    if (responseTimeout.isNegative() || responseTimeout.isZero()) {
      throw new IllegalArgumentException("responseTimeout must be positive");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries must not be negative");
    }
  }

  /** {@code host:port} for messages. */
  public String endpoint() {
    return target.getHostString() + ":" + target.getPort();
  }

  /** Shows everything but the password. */
  @Override
  public String toString() {
    return "SessionConfig[target="
        + endpoint()
        + ", username="
        + username
        + ", password="
        + password
        + ", cipherSuites="
        + cipherSuites.stream().map(CipherSuite::id).toList()
        + ", privilege="
        + privilege
        + ", responseTimeout="
        + responseTimeout
        + ", retries="
        + retries
        + "]";
  }
}
