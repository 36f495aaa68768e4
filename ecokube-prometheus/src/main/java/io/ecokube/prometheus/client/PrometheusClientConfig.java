package io.ecokube.prometheus.client;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.tls.TlsContextBuilder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Prometheus server. Build with {@link #builder(URI)}. TLS certificates are verified
 * unless {@link Builder#insecureSkipTlsVerify()} is called, which logs a warning on every client
 * built.
 *
 * @param baseUri the server, e.g. {@code https://prometheus.monitoring:9090}
 * @param bearerToken a token sent as {@code Authorization: Bearer}
 * @param basicUser a user for HTTP basic auth, with {@code basicPassword}
 * @param basicPassword the basic-auth password
 * @param trustStore a PEM file of CA certificates, or a PKCS12 trust store, to verify the server
 *     with
 * @param trustStorePassword the PKCS12 trust store's password
 * @param insecureSkipTlsVerify accept any certificate (never in production)
 * @param tlsPins SHA-256 fingerprints (hex) one of which the server's own certificate must have, on
 *     top of the trust check; empty for no pinning
 * @param timeout the bound on one HTTP call
 */
public record PrometheusClientConfig(
    URI baseUri,
    Optional<Secret> bearerToken,
    Optional<String> basicUser,
    Optional<Secret> basicPassword,
    Optional<Path> trustStore,
    Optional<Secret> trustStorePassword,
    boolean insecureSkipTlsVerify,
    List<String> tlsPins,
    Duration timeout) {

  /** Validates. */
  public PrometheusClientConfig {
    Objects.requireNonNull(baseUri, "baseUri");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(basicUser, "basicUser");
    Objects.requireNonNull(basicPassword, "basicPassword");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    Objects.requireNonNull(timeout, "timeout");
    tlsPins = List.copyOf(tlsPins);
    tlsPins.forEach(TlsContextBuilder.create()::pinSha256);
    String scheme = baseUri.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "prometheus url '" + baseUri + "' must start with http:// or https://");
    }
    if (baseUri.getUserInfo() != null) {
      throw new IllegalArgumentException(
          "prometheus url must not carry credentials; use basic auth or a bearer token by reference");
    }
    if (basicUser.isPresent() != basicPassword.isPresent()) {
      throw new IllegalArgumentException("basic auth needs both a user and a password");
    }
    if (bearerToken.isPresent() && basicUser.isPresent()) {
      throw new IllegalArgumentException("choose either a bearer token or basic auth, not both");
    }
    if (insecureSkipTlsVerify && trustStore.isPresent()) {
      throw new IllegalArgumentException(
          "a trust store and insecureSkipTlsVerify contradict each other; drop one");
    }
    if (insecureSkipTlsVerify && !tlsPins.isEmpty()) {
      throw new IllegalArgumentException(
          "certificate pins and insecureSkipTlsVerify contradict each other; drop one");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** A builder for a server at {@code baseUri}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  @Override
  public String toString() {
    return "PrometheusClientConfig["
        + baseUri
        + ", auth="
        + (bearerToken.isPresent() ? "bearer" : basicUser.map(u -> "basic:" + u).orElse("none"))
        + ", tls="
        + (insecureSkipTlsVerify ? "UNVERIFIED" : trustStore.map(Path::toString).orElse("system"))
        + (tlsPins.isEmpty() ? "" : ", pinned")
        + ", timeout="
        + timeout
        + "]";
  }

  /** Builds a {@link PrometheusClientConfig}; defaults: no auth, system trust, 10 s timeout. */
  public static final class Builder {
    private final URI baseUri;
    private Optional<Secret> bearerToken = Optional.empty();
    private Optional<String> basicUser = Optional.empty();
    private Optional<Secret> basicPassword = Optional.empty();
    private Optional<Path> trustStore = Optional.empty();
    private Optional<Secret> trustStorePassword = Optional.empty();
    private boolean insecure;
    private final List<String> pins = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(10);

    private Builder(URI baseUri) {
      this.baseUri = baseUri;
    }

    /** Sends a bearer token. */
    public Builder bearerToken(Secret token) {
      bearerToken = Optional.of(token);
      return this;
    }

    /** Uses HTTP basic auth. */
    public Builder basicAuth(String user, Secret password) {
      basicUser = Optional.of(user);
      basicPassword = Optional.of(password);
      return this;
    }

    /** Verifies the server against this PEM bundle or PKCS12 store (password for PKCS12). */
    public Builder trustStore(Path path, Optional<Secret> password) {
      trustStore = Optional.of(path);
      trustStorePassword = password;
      return this;
    }

    /** Accepts any certificate. Only for labs; logged as a warning. */
    public Builder insecureSkipTlsVerify() {
      insecure = true;
      return this;
    }

    /**
     * Pins the server's certificate: it must have this SHA-256 fingerprint (hex, colons allowed)
     * and still pass the trust check. Call again to allow a second one during a rotation.
     */
    public Builder pinCertificateSha256(String fingerprint) {
      pins.add(fingerprint);
      return this;
    }

    /** Bounds every call (default 10 s). */
    public Builder timeout(Duration d) {
      timeout = d;
      return this;
    }

    /** Builds and validates. */
    public PrometheusClientConfig build() {
      return new PrometheusClientConfig(
          baseUri,
          bearerToken,
          basicUser,
          basicPassword,
          trustStore,
          trustStorePassword,
          insecure,
          pins,
          timeout);
    }
  }
}
