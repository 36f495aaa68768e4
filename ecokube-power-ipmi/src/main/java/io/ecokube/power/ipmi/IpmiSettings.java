package io.ecokube.power.ipmi;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.secret.Secret;
import io.ecokube.power.ipmi.lan.AuthType;
import io.ecokube.power.ipmi.rmcp.CipherSuite;
import io.ecokube.power.ipmi.rmcp.ExchangePacer;
import io.ecokube.power.ipmi.rmcp.Privilege;
import io.ecokube.power.ipmi.rmcp.SessionConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The validated settings of the {@code ipmi} driver for one node. Build them from config with
 * {@link #from(DriverSettings)}, or in code with {@link #builder(String, String, Secret)}.
 *
 * @param host the BMC's host name or IP address
 * @param port the BMC's UDP port (623)
 * @param username the IPMI user, at most 16 bytes
 * @param password the user's password, at most 20 bytes
 * @param cipherSuites suites to offer in order (17 then 3); 0 only with allowCipherSuiteZero
 * @param allowCipherSuiteZero whether suite 0 (no authentication, CVE-2013-4782) may be offered
 * @param privilege the session's privilege level (operator: enough for chassis control)
 * @param minCommandInterval minimum time between two requests to this BMC (50 ms; zero allowed)
 * @param timeout bound of one driver call, session setup included (5 s)
 * @param responseTimeout wait for an answer before retransmitting a request (1 s)
 * @param retries retransmissions of one request (3)
 * @param sessionIdleTimeout a session unused this long is replaced by a fresh one before use (30
 *     s), since BMCs drop idle sessions silently
 * @param protocol RMCP+ ({@link Protocol#LANPLUS}, the default) or IPMI 1.5 LAN
 * @param lanAuthType the IPMI 1.5 auth type (md5); only used with {@link Protocol#LAN}
 * @param allowStraightPassword whether lanAuthType straight (clear-text password) may be used
 * @param allowAuthTypeNone whether lanAuthType none (no authentication) may be used
 */
public record IpmiSettings(
    String host,
    int port,
    String username,
    Secret password,
    List<Integer> cipherSuites,
    boolean allowCipherSuiteZero,
    Privilege privilege,
    Duration minCommandInterval,
    Duration timeout,
    Duration responseTimeout,
    int retries,
    Duration sessionIdleTimeout,
    Protocol protocol,
    AuthType lanAuthType,
    boolean allowStraightPassword,
    boolean allowAuthTypeNone) {

  /** The LAN protocol spoken with the BMC. */
  public enum Protocol {
    /** IPMI v2.0 RMCP+ ({@code ipmitool -I lanplus}): authenticated, integrity-protected. */
    LANPLUS,
    /** IPMI v1.5 LAN ({@code ipmitool -I lan}): per-message auth codes only, for old BMCs. */
    LAN;

    /** The lower-case name used in settings. */
    public String settingName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Setting keys, as they appear in config. */
  public static final String HOST = "host",
      PORT = "port",
      USERNAME = "username",
      PASSWORD = "password",
      CIPHER_SUITES = "cipherSuites",
      ALLOW_CIPHER_SUITE_ZERO = "allowCipherSuiteZero",
      PRIVILEGE = "privilege",
      MIN_COMMAND_INTERVAL = "minCommandInterval",
      TIMEOUT = "timeout",
      RESPONSE_TIMEOUT = "responseTimeout",
      RETRIES = "retries",
      SESSION_IDLE_TIMEOUT = "sessionIdleTimeout",
      PROTOCOL = "protocol",
      LAN_AUTH_TYPE = "lanAuthType",
      ALLOW_STRAIGHT_PASSWORD = "allowStraightPassword",
      ALLOW_AUTH_TYPE_NONE = "allowAuthTypeNone";

  /** Every key the driver understands; others are rejected so that typos do not go unnoticed. */
  public static final Set<String> KEYS =
      Set.of(
          HOST,
          PORT,
          USERNAME,
          PASSWORD,
          CIPHER_SUITES,
          ALLOW_CIPHER_SUITE_ZERO,
          PRIVILEGE,
          MIN_COMMAND_INTERVAL,
          TIMEOUT,
          RESPONSE_TIMEOUT,
          RETRIES,
          SESSION_IDLE_TIMEOUT,
          PROTOCOL,
          LAN_AUTH_TYPE,
          ALLOW_STRAIGHT_PASSWORD,
          ALLOW_AUTH_TYPE_NONE);

  /** The IPMI-over-LAN port. */
  public static final int DEFAULT_PORT = 623;

  /** SHA-256 with AES first, then the SHA-1 suite nearly every BMC has. */
  public static final List<Integer> DEFAULT_CIPHER_SUITES = List.of(17, 3);

  /** Default minimum interval between requests to one BMC. */
  public static final Duration DEFAULT_MIN_COMMAND_INTERVAL = Duration.ofMillis(50);

  /** Default bound of one driver call. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Default wait before retransmitting. */
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(1);

  /** Default number of retransmissions. */
  public static final int DEFAULT_RETRIES = 3;

  /** Default idle time after which a session is replaced. */
  public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofSeconds(30);

  private static final String CIPHER_ZERO_PROBLEM =
      "offers cipher suite 0, which authenticates nobody (CVE-2013-4782): anyone who knows a user"
          + " name can power the machine; remove 0, or set "
          + ALLOW_CIPHER_SUITE_ZERO
          + "=true if you accept that risk";

  /** The most an IPMI 1.5 password may be. */
  public static final int MAX_LAN_PASSWORD_BYTES = AuthType.CODE_LENGTH;

  /** Validates the settings; messages name the setting and what is allowed. */
  public IpmiSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(privilege, "privilege");
    Objects.requireNonNull(minCommandInterval, "minCommandInterval");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(lanAuthType, "lanAuthType");
    cipherSuites = List.copyOf(cipherSuites);
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(HOST + " '" + host + "' is not a host name or address");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(PORT + " " + port + " is out of range; allowed 1..65535");
    }
    if (username.getBytes(StandardCharsets.UTF_8).length > SessionConfig.MAX_USERNAME_BYTES) {
      throw new IllegalArgumentException(
          USERNAME + " is longer than " + SessionConfig.MAX_USERNAME_BYTES + " bytes");
    }
    byte[] pw = password.reveal();
    int pwLength = pw.length;
    Arrays.fill(pw, (byte) 0);
    if (pwLength > SessionConfig.MAX_PASSWORD_BYTES) {
      throw new IllegalArgumentException(
          PASSWORD
              + " from "
              + password.source()
              + " is longer than the "
              + SessionConfig.MAX_PASSWORD_BYTES
              + " bytes IPMI v2.0 allows");
    }
    if (protocol == Protocol.LAN && pwLength > MAX_LAN_PASSWORD_BYTES) {
      throw new IllegalArgumentException(
          PASSWORD
              + " from "
              + password.source()
              + " is longer than the "
              + MAX_LAN_PASSWORD_BYTES
              + " bytes IPMI 1.5 allows; use protocol lanplus or a shorter password");
    }
    if (lanAuthType == AuthType.STRAIGHT && !allowStraightPassword) {
      throw new IllegalArgumentException(
          LAN_AUTH_TYPE
              + " straight sends the password in clear text in every packet; use md5, or set "
              + ALLOW_STRAIGHT_PASSWORD
              + "=true if you accept that risk");
    }
    if (lanAuthType == AuthType.NONE && !allowAuthTypeNone) {
      throw new IllegalArgumentException(
          LAN_AUTH_TYPE
              + " none authenticates nobody: anyone who knows a user name can power the machine;"
              + " use md5, or set "
              + ALLOW_AUTH_TYPE_NONE
              + "=true if you accept that risk");
    }
    if (cipherSuites.isEmpty()) {
      throw new IllegalArgumentException(CIPHER_SUITES + " is empty; list at least one, e.g. 17,3");
    }
    if (new LinkedHashSet<>(cipherSuites).size() != cipherSuites.size()) {
      throw new IllegalArgumentException(CIPHER_SUITES + " " + cipherSuites + " repeats a suite");
    }
    for (int id : cipherSuites) {
      if (!CipherSuite.supportedIds().contains(id)) {
        throw new IllegalArgumentException(
            CIPHER_SUITES
                + " names cipher suite "
                + id
                + ", which this driver does not implement; use some of "
                + CipherSuite.supportedIds());
      }
    }
    if (cipherSuites.contains(0) && !allowCipherSuiteZero) {
      throw new IllegalArgumentException(CIPHER_SUITES + " " + CIPHER_ZERO_PROBLEM);
    }
    if (minCommandInterval.isNegative()) {
      throw new IllegalArgumentException(MIN_COMMAND_INTERVAL + " must not be negative");
    }
    requirePositive(TIMEOUT, timeout);
    requirePositive(RESPONSE_TIMEOUT, responseTimeout);
    requirePositive(SESSION_IDLE_TIMEOUT, sessionIdleTimeout);
    if (retries < 0 || retries > 20) {
      throw new IllegalArgumentException(
          RETRIES + " " + retries + " is out of range; allowed 0..20");
    }
  }

  private static void requirePositive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be positive, not " + d);
    }
  }

  /** Starts a builder with the three settings that have no default. */
  public static Builder builder(String host, String username, Secret password) {
    return new Builder(host, username, password);
  }

  /**
   * Reads and validates the settings of one node.
   *
   * @throws DriverSettingsException naming the node, the key, the bad value (never a secret) and
   *     what is allowed
   */
  public static IpmiSettings from(DriverSettings s) {
    for (String key : s.keys()) {
      if (!KEYS.contains(key)) {
        throw s.error(key, "is not an ipmi setting; known settings are " + new TreeSet<>(KEYS));
      }
    }
    Builder b =
        builder(s.requireString(HOST), s.requireString(USERNAME), s.requireSecret(PASSWORD))
            .port(s.integer(PORT, DEFAULT_PORT, 1, 65535))
            .allowCipherSuiteZero(s.bool(ALLOW_CIPHER_SUITE_ZERO, false))
            .timeout(s.duration(TIMEOUT, DEFAULT_TIMEOUT))
            .responseTimeout(s.duration(RESPONSE_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT))
            .retries(s.integer(RETRIES, DEFAULT_RETRIES, 0, 20))
            .sessionIdleTimeout(s.duration(SESSION_IDLE_TIMEOUT, DEFAULT_SESSION_IDLE_TIMEOUT));
    Set<String> privileges = new LinkedHashSet<>();
    for (Privilege p : Privilege.values()) {
      privileges.add(p.settingName());
    }
    b.privilege(
        Privilege.valueOf(
            s.oneOf(PRIVILEGE, Privilege.OPERATOR.settingName(), privileges)
                .toUpperCase(Locale.ROOT)));
    b.minCommandInterval(minInterval(s));
    b.protocol(
        Protocol.valueOf(
            s.oneOf(PROTOCOL, Protocol.LANPLUS.settingName(), Set.of("lanplus", "lan"))
                .toUpperCase(Locale.ROOT)));
    Set<String> authTypes = new LinkedHashSet<>();
    for (AuthType t : AuthType.values()) {
      authTypes.add(t.settingName());
    }
    b.lanAuthType(
        AuthType.valueOf(
            s.oneOf(LAN_AUTH_TYPE, AuthType.MD5.settingName(), authTypes)
                .toUpperCase(Locale.ROOT)));
    b.allowStraightPassword(s.bool(ALLOW_STRAIGHT_PASSWORD, false));
    b.allowAuthTypeNone(s.bool(ALLOW_AUTH_TYPE_NONE, false));
    b.cipherSuites(cipherSuites(s));
    if (b.cipherSuites.contains(0) && !b.allowCipherSuiteZero) {
      throw s.error(
          CIPHER_SUITES, "'" + s.string(CIPHER_SUITES).orElse("") + "' " + CIPHER_ZERO_PROBLEM);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      String key = msg.substring(0, Math.max(0, msg.indexOf(' ')));
      throw s.error(KEYS.contains(key) ? key : HOST, msg);
    }
  }

  private static Duration minInterval(DriverSettings s) {
    String raw = s.string(MIN_COMMAND_INTERVAL).orElse(null);
    // Zero is a legitimate choice here (no pacing), which the generic duration parser refuses.
    if (raw != null && raw.matches("0+\\s*(ms|s)?")) {
      return Duration.ZERO;
    }
    return s.duration(MIN_COMMAND_INTERVAL, DEFAULT_MIN_COMMAND_INTERVAL);
  }

  private static List<Integer> cipherSuites(DriverSettings s) {
    String raw = s.string(CIPHER_SUITES).orElse(null);
    if (raw == null) {
      return DEFAULT_CIPHER_SUITES;
    }
    List<Integer> ids = new ArrayList<>();
    for (String part : raw.split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      try {
        ids.add(Integer.parseInt(part));
      } catch (NumberFormatException e) {
        throw s.error(
            CIPHER_SUITES,
            "'"
                + raw
                + "' is not a list of cipher suite numbers; write e.g. 17,3 (supported: "
                + CipherSuite.supportedIds()
                + ")");
      }
    }
    return ids;
  }

  /** The session parameters for the wire protocol. */
  SessionConfig sessionConfig(ExchangePacer pacer) {
    return new SessionConfig(
        InetSocketAddress.createUnresolved(host, port),
        username,
        password,
        cipherSuites.stream().map(CipherSuite::byId).toList(),
        privilege,
        responseTimeout,
        retries,
        pacer);
  }

  /** {@code host:port}, for messages. */
  public String endpoint() {
    return host + ":" + port;
  }

  /** Builds {@link IpmiSettings} in code; every optional setting starts at its default. */
  public static final class Builder {
    private final String host;
    private final String username;
    private final Secret password;
    private int port = DEFAULT_PORT;
    private List<Integer> cipherSuites = DEFAULT_CIPHER_SUITES;
    private boolean allowCipherSuiteZero;
    private Privilege privilege = Privilege.OPERATOR;
    private Duration minCommandInterval = DEFAULT_MIN_COMMAND_INTERVAL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private int retries = DEFAULT_RETRIES;
    private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
    private Protocol protocol = Protocol.LANPLUS;
    private AuthType lanAuthType = AuthType.MD5;
    private boolean allowStraightPassword;
    private boolean allowAuthTypeNone;

    private Builder(String host, String username, Secret password) {
      this.host = host;
      this.username = username;
      this.password = password;
    }

    /** The BMC's UDP port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Suites to offer, in order of preference. */
    public Builder cipherSuites(List<Integer> ids) {
      this.cipherSuites = List.copyOf(ids);
      return this;
    }

    /** Whether suite 0 may be offered. */
    public Builder allowCipherSuiteZero(boolean allow) {
      this.allowCipherSuiteZero = allow;
      return this;
    }

    /** The session privilege level. */
    public Builder privilege(Privilege privilege) {
      this.privilege = privilege;
      return this;
    }

    /** Minimum interval between requests to the BMC. */
    public Builder minCommandInterval(Duration d) {
      this.minCommandInterval = d;
      return this;
    }

    /** Bound of one driver call. */
    public Builder timeout(Duration d) {
      this.timeout = d;
      return this;
    }

    /** Wait before retransmitting. */
    public Builder responseTimeout(Duration d) {
      this.responseTimeout = d;
      return this;
    }

    /** Retransmissions per request. */
    public Builder retries(int retries) {
      this.retries = retries;
      return this;
    }

    /** Idle time after which a session is replaced. */
    public Builder sessionIdleTimeout(Duration d) {
      this.sessionIdleTimeout = d;
      return this;
    }

    /** RMCP+ or IPMI 1.5 LAN. */
    public Builder protocol(Protocol protocol) {
      this.protocol = protocol;
      return this;
    }

    /** The IPMI 1.5 auth type. */
    public Builder lanAuthType(AuthType type) {
      this.lanAuthType = type;
      return this;
    }

    /** Whether the IPMI 1.5 auth type straight (clear-text password) may be used. */
    public Builder allowStraightPassword(boolean allow) {
      this.allowStraightPassword = allow;
      return this;
    }

    /** Whether the IPMI 1.5 auth type none may be used. */
    public Builder allowAuthTypeNone(boolean allow) {
      this.allowAuthTypeNone = allow;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the bad setting
     */
    public IpmiSettings build() {
      return new IpmiSettings(
          host,
          port,
          username,
          password,
          cipherSuites,
          allowCipherSuiteZero,
          privilege,
          minCommandInterval,
          timeout,
          responseTimeout,
          retries,
          sessionIdleTimeout,
          protocol,
          lanAuthType,
          allowStraightPassword,
          allowAuthTypeNone);
    }
  }
}
