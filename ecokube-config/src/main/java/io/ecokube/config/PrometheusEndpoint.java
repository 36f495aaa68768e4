package io.ecokube.config;

import io.ecokube.api.secret.SecretRef;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a Prometheus server ({@code meters.kepler}): its URL, how to authenticate (a bearer
 * token or basic auth, each secret by reference) and how to verify its TLS certificate.
 * Certificates are verified unless {@code insecureSkipTlsVerify} is set. Holds references only, so
 * it is safe to log.
 *
 * @param url the server, {@code http://} or {@code https://}, without credentials
 * @param bearerToken where a bearer token is read from; empty: none
 * @param username a basic-auth user, with {@code password}
 * @param password where the basic-auth password is read from
 * @param trustStore a PEM bundle or PKCS12 store of the CAs to verify the server with; empty: the
 *     system's
 * @param trustStorePassword where a PKCS12 trust store's password is read from
 * @param insecureSkipTlsVerify accept any certificate (labs only; logged as a warning)
 * @param timeout the bound on one HTTP call
 */
public record PrometheusEndpoint(
    URI url,
    Optional<SecretRef> bearerToken,
    Optional<String> username,
    Optional<SecretRef> password,
    Optional<Path> trustStore,
    Optional<SecretRef> trustStorePassword,
    boolean insecureSkipTlsVerify,
    Duration timeout) {
  /** Validates. */
  public PrometheusEndpoint {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    Objects.requireNonNull(timeout, "timeout");
    if (username.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException("basic auth needs both a username and a password");
    }
  }
}
