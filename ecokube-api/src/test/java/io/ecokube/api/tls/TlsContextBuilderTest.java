package io.ecokube.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.secret.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each context talks to a real TLS server on loopback holding a self-signed certificate. */
class TlsContextBuilderTest {
  private static final String PW = "store-pw";

  @TempDir static Path dir;
  private static Path pem;
  private static Path trustP12;
  private static String fingerprint;
  private static SSLServerSocket server;
  private static Thread acceptor;

  @BeforeAll
  static void startServer() throws Exception {
    Path serverP12 = dir.resolve("server.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "srv",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        serverP12.toString(),
        "-storepass",
        PW,
        "-keypass",
        PW);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(serverP12)) {
      ks.load(in, PW.toCharArray());
    }
    Certificate cert = ks.getCertificate("srv");
    fingerprint = TlsContextBuilder.sha256(cert);
    pem = dir.resolve("server.pem");
    Files.writeString(
        pem,
        "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("srv", cert);
    trustP12 = dir.resolve("trust.p12");
    try (OutputStream out = Files.newOutputStream(trustP12)) {
      trust.store(out, PW.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PW.toCharArray());
    SSLContext serverCtx = SSLContext.getInstance("TLS");
    serverCtx.init(kmf.getKeyManagers(), null, null);
    server =
        (SSLServerSocket)
            serverCtx
                .getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    acceptor = new Thread(TlsContextBuilderTest::serve, "tls-test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Answers each connection with one byte; handshakes the client refuses are expected. */
  private static void serve() {
    while (!server.isClosed()) {
      try (SSLSocket s = (SSLSocket) server.accept()) {
        s.startHandshake();
        s.getOutputStream().write(42);
        s.getOutputStream().flush();
      } catch (IOException refusedOrClosed) {
        // the next connection is served the same way
      }
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
    acceptor.join(10_000);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
  }

  /** Connects as an HTTPS client would (host name checked) and reads the server's byte. */
  private static int talk(SSLContext ctx) throws IOException {
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.getLocalPort())) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      s.startHandshake();
      return s.getInputStream().read();
    }
  }

  @Test
  void theJdkCasAreTheDefaultSoASelfSignedServerIsRefused() {
    assertThatThrownBy(() -> talk(TlsContextBuilder.create().build()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aPemBundleOrAPkcs12StoreIsTrusted() throws IOException {
    assertThat(talk(TlsContextBuilder.create().trustStore(pem, Optional.empty()).build()))
        .isEqualTo(42);
    assertThat(
            talk(
                TlsContextBuilder.create()
                    .trustStore(trustP12, Optional.of(Secret.of(PW, "env:TRUST_PW")))
                    .build()))
        .isEqualTo(42);
  }

  @Test
  void aMatchingPinIsAcceptedAndAnyOtherRefused() throws IOException {
    String colons = fingerprint.toUpperCase().replaceAll("(..)(?!$)", "$1:");
    assertThat(
            talk(
                TlsContextBuilder.create()
                    .trustStore(pem, Optional.empty())
                    .pinSha256(colons)
                    .build()))
        .isEqualTo(42);
    String other = "00".repeat(32);
    assertThatThrownBy(
            () ->
                talk(
                    TlsContextBuilder.create()
                        .trustStore(pem, Optional.empty())
                        .pinSha256(other)
                        .build()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasStackTraceContaining(fingerprint + " is not one of the pinned [" + other + "]");
  }

  @Test
  void theHostNameIsStillChecked() {
    assertThatThrownBy(
            () -> {
              SSLContext ctx = TlsContextBuilder.create().trustStore(pem, Optional.empty()).build();
              // connected to 127.0.0.1 but told the host is "localhost", which the cert lacks
              try (Socket plain = new Socket("127.0.0.1", server.getLocalPort());
                  SSLSocket s =
                      (SSLSocket)
                          ctx.getSocketFactory()
                              .createSocket(plain, "localhost", server.getLocalPort(), false)) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
              }
            })
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("localhost");
  }

  @Test
  void aPinDoesNotReplaceChainVerification() {
    assertThatThrownBy(() -> talk(TlsContextBuilder.create().pinSha256(fingerprint).build()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void insecureModeIsExplicitAndExclusive() throws IOException {
    assertThat(talk(TlsContextBuilder.create().insecureTrustAll().build())).isEqualTo(42);
    assertThatThrownBy(
            () ->
                TlsContextBuilder.create()
                    .trustStore(pem, Optional.empty())
                    .insecureTrustAll()
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("drop one of them");
  }

  @Test
  void badInputNamesTheFileOrPinAndNeverThePassword() throws IOException {
    assertThatThrownBy(
            () ->
                TlsContextBuilder.create()
                    .trustStore(trustP12, Optional.of(Secret.of("wrong-secret", "env:TRUST_PW")))
                    .passwordSetting("trustStorePassword")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + trustP12 + "' is neither a PEM certificate file nor a PKCS12")
        .hasMessageEndingWith("check the file and trustStorePassword")
        .hasMessageNotContaining("wrong-secret");
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () -> TlsContextBuilder.create().trustStore(missing, Optional.empty()).build())
        .hasMessageContaining("'" + missing + "' cannot be read");
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(
        garbage, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(
            () -> TlsContextBuilder.create().trustStore(garbage, Optional.empty()).build())
        .hasMessageContaining("is not a readable PEM certificate file");
    assertThatThrownBy(() -> TlsContextBuilder.create().pinSha256("abc"))
        .hasMessageContaining("'abc' is not a SHA-256 fingerprint");
  }
}
