package io.ecokube.api.tls;

import io.ecokube.api.secret.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the {@link SSLContext} a client verifies its server with. Verification is always on unless
 * {@link #insecureTrustAll()} is called: by default the JDK's CAs are trusted; {@link #trustStore}
 * replaces them with a PEM bundle or a PKCS12 store; {@link #pinSha256} additionally requires the
 * server's own certificate to have one of the given SHA-256 fingerprints. Host names are still
 * checked by the HTTP client (the trust managers here see its endpoint identification).
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the file and how to fix it, never a
 * password.
 */
public final class TlsContextBuilder {
  private static final String PEM_MARKER = "-----BEGIN CERTIFICATE-----";

  private Optional<Path> trustStore = Optional.empty();
  private Optional<Secret> password = Optional.empty();
  private final Set<String> pins = new LinkedHashSet<>();
  private boolean insecure;
  private String passwordName = "its password";

  private TlsContextBuilder() {}

  /** A builder that trusts the JDK's CAs. */
  public static TlsContextBuilder create() {
    return new TlsContextBuilder();
  }

  /**
   * Trusts the certificates in this file instead of the JDK's CAs: a PEM bundle (one or more {@code
   * BEGIN CERTIFICATE} blocks) or, when the file is not PEM, a PKCS12 store.
   *
   * @param path the file
   * @param storePassword the PKCS12 store's password, when it has one (ignored for PEM)
   */
  public TlsContextBuilder trustStore(Path path, Optional<Secret> storePassword) {
    this.trustStore = Optional.of(path);
    this.password = storePassword;
    return this;
  }

  /**
   * Names where the PKCS12 password comes from (a setting key such as {@code trustStorePassword}),
   * so an error about a store the password does not open tells the user what to fix.
   */
  public TlsContextBuilder passwordSetting(String name) {
    this.passwordName = name;
    return this;
  }

  /**
   * Accepts only a server whose own (leaf) certificate has this SHA-256 fingerprint, given in hex
   * with or without colons (as {@code openssl x509 -fingerprint -sha256} prints it). Call again to
   * allow several, e.g. the old and the new certificate during a rotation.
   */
  public TlsContextBuilder pinSha256(String fingerprint) {
    String hex = fingerprint.trim().replace(":", "").toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "certificate pin '"
              + fingerprint
              + "' is not a SHA-256 fingerprint; give 64 hex digits (colons allowed), e.g. from"
              + " openssl x509 -noout -fingerprint -sha256 -in cert.pem");
    }
    pins.add(hex);
    return this;
  }

  /**
   * Switches verification off: any certificate and any host name are accepted, so the server's
   * identity is not checked and credentials sent to it can be intercepted. Never the default; the
   * caller should log a warning.
   */
  public TlsContextBuilder insecureTrustAll() {
    this.insecure = true;
    return this;
  }

  /**
   * Builds the context.
   *
   * @throws IllegalArgumentException when the trust store cannot be read, or when insecure mode is
   *     combined with a trust store or pins
   */
  public SSLContext build() {
    if (insecure && (trustStore.isPresent() || !pins.isEmpty())) {
      throw new IllegalArgumentException(
          "TLS verification is switched off but a trust store or certificate pin is also given;"
              + " drop one of them");
    }
    try {
      TrustManager tm = insecure ? new TrustAll() : verifying();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot build a TLS context ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** The SHA-256 fingerprint of a certificate as lowercase hex without colons. */
  public static String sha256(Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate", e);
    }
  }

  private X509ExtendedTrustManager verifying() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trustStore.isPresent() ? load(trustStore.get()) : null);
    X509ExtendedTrustManager base = null;
    for (TrustManager t : tmf.getTrustManagers()) {
      if (t instanceof X509ExtendedTrustManager x) {
        base = x;
      }
    }
    if (base == null) {
      throw new GeneralSecurityException("the JDK offers no X509 trust manager");
    }
    return pins.isEmpty() ? base : new Pinning(base, Set.copyOf(pins));
  }

  private KeyStore load(Path path) throws GeneralSecurityException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "trust store '" + path + "' cannot be read: " + e.getMessage(), e);
    }
    if (new String(bytes, StandardCharsets.US_ASCII).contains(PEM_MARKER)) {
      Collection<? extends Certificate> certs;
      try (InputStream in = new ByteArrayInputStream(bytes)) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      } catch (IOException | CertificateException e) {
        throw new IllegalArgumentException(
            "trust store '" + path + "' is not a readable PEM certificate file: " + e.getMessage(),
            e);
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        ks.load(null, null);
      } catch (IOException e) {
        throw new GeneralSecurityException(e);
      }
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("trusted-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("trust store '" + path + "' holds no certificate");
      }
      return ks;
    }
    char[] pw = password.map(p -> p.revealAsString().toCharArray()).orElse(null);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      ks.load(in, pw);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "trust store '"
              + path
              + "' is neither a PEM certificate file nor a PKCS12 store this password opens ("
              + e.getMessage()
              + "); check the file and "
              + passwordName,
          e);
    }
    return ks;
  }

  /** Verifies as the delegate does, then requires the leaf certificate to be pinned. */
  private static final class Pinning extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final Set<String> pins;

    Pinning(X509ExtendedTrustManager delegate, Set<String> pins) {
      this.delegate = delegate;
      this.pins = pins;
    }

    private void pinned(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server sent no certificate");
      }
      String actual = sha256(chain[0]);
      if (!pins.contains(actual)) {
        throw new CertificateException(
            "the server certificate's SHA-256 fingerprint "
                + actual
                + " is not one of the pinned "
                + pins
                + "; if the certificate was renewed, pin the new fingerprint");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, socket);
      pinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType, engine);
      pinned(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkServerTrusted(chain, authType);
      pinned(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  /** Accepts any certificate and any host name; only behind {@link #insecureTrustAll()}. */
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
