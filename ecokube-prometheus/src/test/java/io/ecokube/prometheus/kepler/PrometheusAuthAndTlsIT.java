package io.ecokube.prometheus.kepler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.tls.TlsContextBuilder;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.prometheus.client.PrometheusException;
import io.ecokube.test.prometheus.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prometheus' own web config with basic auth and TLS, so credentials and certificate checks are
 * tested against the real server rather than a stand-in.
 */
class PrometheusAuthAndTlsIT {
  // bcrypt (cost 4) of the test-only password below; Prometheus' web config stores only the hash.
  private static final String HASH = "$2b$04$l1pf9HPOYDXRTaCLkjt0jOlOfvMa.lLBs62Kz0rEXVnLpdH9kaTfq";
  private static final Secret PASSWORD = Secret.of("kepler-test-only", "test");

  private static PrometheusServer prometheus;
  private static Path caPem;

  @BeforeAll
  static void start() throws Exception {
    Path certs = Files.createTempDirectory("ecokube-prom-tls");
    caPem = certs.resolve("server.crt");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                certs.resolve("server.key").toString(),
                "-out",
                caPem.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue())
        .as(new String(openssl.getInputStream().readAllBytes()))
        .isZero();
    String web =
        "tls_server_config:\n"
            + "  cert_file: "
            + caPem
            + "\n"
            + "  key_file: "
            + certs.resolve("server.key")
            + "\n"
            + "basic_auth_users:\n"
            + "  kepler: "
            + HASH
            + "\n";
    prometheus = PrometheusServer.withWebConfig(web, true, "127.0.0.1:1");
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
  }

  private static PrometheusClientConfig.Builder trusted() {
    return PrometheusClientConfig.builder(prometheus.uri())
        .trustStore(caPem, Optional.empty())
        .timeout(Duration.ofSeconds(5));
  }

  @Test
  void rightCredentialsOverVerifiedTlsAnswer() throws Exception {
    PrometheusClient client = new PrometheusClient(trusted().basicAuth("kepler", PASSWORD).build());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(client.query("vector(42)"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(42.0)));
  }

  @Test
  void wrongPasswordIsAnAuthenticationError() {
    PrometheusClient client =
        new PrometheusClient(trusted().basicAuth("kepler", Secret.of("wrong", "test")).build());
    assertThatThrownBy(() -> client.query("vector(1)"))
        .isInstanceOf(PrometheusException.class)
        .satisfies(
            e ->
                assertThat(((PrometheusException) e).kind())
                    .isEqualTo(PrometheusException.Kind.AUTHENTICATION))
        .hasMessageContaining("refused the credentials")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void untrustedCertificateIsRefusedByDefault() {
    PrometheusClient client =
        new PrometheusClient(
            PrometheusClientConfig.builder(prometheus.uri())
                .basicAuth("kepler", PASSWORD)
                .timeout(Duration.ofSeconds(5))
                .build());
    assertThatThrownBy(() -> client.query("vector(1)"))
        .isInstanceOf(PrometheusException.class)
        .satisfies(
            e ->
                assertThat(((PrometheusException) e).kind())
                    .isEqualTo(PrometheusException.Kind.UNREACHABLE))
        .hasMessageContaining("trust store");
  }

  @Test
  void aPinnedCertificateIsAcceptedAndAnyOtherRefused() throws Exception {
    String fingerprint;
    try (var in = Files.newInputStream(caPem)) {
      fingerprint =
          TlsContextBuilder.sha256(CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    PrometheusClient pinned =
        new PrometheusClient(
            trusted().basicAuth("kepler", PASSWORD).pinCertificateSha256(fingerprint).build());
    assertThat(pinned.query("vector(3)")).extracting(s -> s.value()).isEqualTo(List.of(3.0));

    PrometheusClient other =
        new PrometheusClient(
            trusted().basicAuth("kepler", PASSWORD).pinCertificateSha256("0f".repeat(32)).build());
    assertThatThrownBy(() -> other.query("vector(3)"))
        .isInstanceOf(PrometheusException.class)
        .satisfies(
            e ->
                assertThat(((PrometheusException) e).kind())
                    .isEqualTo(PrometheusException.Kind.UNREACHABLE))
        .hasMessageContaining("pin the current certificate's fingerprint");
  }

  @Test
  void insecureModeAcceptsTheCertificateOnlyWhenAskedTo() throws Exception {
    PrometheusClient client =
        new PrometheusClient(
            PrometheusClientConfig.builder(prometheus.uri())
                .basicAuth("kepler", PASSWORD)
                .insecureSkipTlsVerify()
                .build());
    assertThat(client.query("vector(7)")).extracting(s -> s.value()).isEqualTo(List.of(7.0));
  }

  @Test
  void configNeverShowsSecrets() {
    PrometheusClientConfig c = trusted().basicAuth("kepler", PASSWORD).build();
    assertThat(c.toString()).doesNotContain("kepler-test-only").contains("basic:kepler");
    assertThat(new PrometheusClient(c).toString()).doesNotContain("kepler-test-only");
  }
}
