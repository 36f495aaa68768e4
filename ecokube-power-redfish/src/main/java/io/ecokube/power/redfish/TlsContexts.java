package io.ecokube.power.redfish;

import io.ecokube.api.power.DriverSettingsException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the SSLContext the driver's HTTP client uses. */
final class TlsContexts {
  private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

  private TlsContexts() {}

  /**
   * The context for a node: the JDK's CAs by default, the given trust store when set, or no
   * verification at all when explicitly disabled.
   *
   * @throws DriverSettingsException when the trust store cannot be read
   */
  static SSLContext forSettings(String node, RedfishSettings s) {
    try {
      if (!s.verifyTls()) {
        LOG.warn(
            "node '{}': TLS verification of {} is DISABLED ({}=false): the BMC's identity is not"
                + " checked and its credentials can be intercepted; set {} instead",
            node,
            s.endpoint(),
            RedfishSettings.TLS_VERIFY,
            RedfishSettings.TRUST_STORE);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        return ctx;
      }
      if (s.trustStore().isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore trusted = load(node, s);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new DriverSettingsException(
          node,
          RedfishSettings.TRUST_STORE,
          "cannot build a TLS context ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
    }
  }

  private static KeyStore load(String node, RedfishSettings s) throws GeneralSecurityException {
    Path path = s.trustStore().orElseThrow();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new DriverSettingsException(
          node, RedfishSettings.TRUST_STORE, "'" + path + "' cannot be read: " + e.getMessage());
    }
    String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII);
    if (head.contains("-----BEGIN CERTIFICATE-----")) {
      Collection<? extends Certificate> certs;
      try (InputStream in = Files.newInputStream(path)) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      } catch (IOException | GeneralSecurityException e) {
        throw new DriverSettingsException(
            node,
            RedfishSettings.TRUST_STORE,
            "'" + path + "' is not a readable PEM certificate file: " + e.getMessage());
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        ks.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("redfish-trust-" + i++, c);
      }
      if (i == 0) {
        throw new DriverSettingsException(
            node, RedfishSettings.TRUST_STORE, "'" + path + "' holds no certificate");
      }
      return ks;
    }
    char[] password =
        s.trustStorePassword().map(p -> p.revealAsString().toCharArray()).orElse(null);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      ks.load(in, password);
    } catch (IOException e) {
      throw new DriverSettingsException(
          node,
          RedfishSettings.TRUST_STORE,
          "'"
              + path
              + "' is neither a PEM certificate file nor a PKCS12 store this password opens ("
              + e.getMessage()
              + "); check the file and "
              + RedfishSettings.TRUST_STORE_PASSWORD);
    }
    return ks;
  }

  /** Accepts any certificate and any host name; used only when verification is switched off. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
