package io.ecokube.power.redfish.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 generated once per test JVM with the JDK's keytool, in
 * the three forms the driver accepts: the server's PKCS12 key store, a PEM file and a PKCS12 trust
 * store.
 */
public final class TestTls {
  /** Password of the server key store and of the PKCS12 trust store. */
  public static final String STORE_PASSWORD = "test-store-pw";

  private static TestTls instance;

  private final Path serverKeyStore;
  private final Path pem;
  private final Path trustStore;

  private TestTls(Path dir) throws IOException, InterruptedException, GeneralSecurityException {
    serverKeyStore = dir.resolve("server.p12");
    pem = dir.resolve("server.pem");
    trustStore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "bmc",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1, O=Eco-Kube test BMC",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        serverKeyStore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    // One keytool run makes the key pair; the PEM and the trust store are derived in-process.
    KeyStore server = load(serverKeyStore);
    Certificate cert = server.getCertificate("bmc");
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded());
    Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("bmc", cert);
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, STORE_PASSWORD.toCharArray());
    }
  }

  /** The shared material, generated on first use. */
  public static synchronized TestTls get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("ecokube-redfish-tls");
        dir.toFile().deleteOnExit();
        instance = new TestTls(dir);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot generate a test certificate with keytool", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted generating a test certificate", e);
      }
    }
    return instance;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> cmd = new ArrayList<>();
    cmd.add(keytool.toString());
    // A short-lived JVM: skip the optimising compiler, the machine is shared.
    cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + out);
    }
  }

  /** The PEM file holding the server certificate. */
  public Path pem() {
    return pem;
  }

  /** A PKCS12 trust store holding the server certificate, password {@link #STORE_PASSWORD}. */
  public Path trustStore() {
    return trustStore;
  }

  private static KeyStore load(Path p) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(p)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, STORE_PASSWORD.toCharArray());
      return ks;
    }
  }

  /** The server side's TLS context. */
  public SSLContext serverContext() {
    try {
      KeyStore ks = load(serverKeyStore);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, STORE_PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the test key store", e);
    }
  }
}
