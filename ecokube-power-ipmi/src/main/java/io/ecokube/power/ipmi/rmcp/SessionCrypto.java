package io.ecokube.power.ipmi.rmcp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Consumer;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The integrity and confidentiality of one established session: K1 signs packets, the first 16
 * bytes of K2 encrypt payloads. Before a session exists, {@link #NONE} applies.
 */
final class SessionCrypto {
  static final SessionCrypto NONE =
      new SessionCrypto(
          IntegrityAlgorithm.NONE,
          ConfidentialityAlgorithm.NONE,
          new byte[0],
          new byte[0],
          b -> {});

  private static final int AES_BLOCK = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final IntegrityAlgorithm integrity;
  private final ConfidentialityAlgorithm confidentiality;
  private final byte[] k1;
  private final SecretKeySpec aesKey;
  private final Consumer<byte[]> ivSource;

  SessionCrypto(
      IntegrityAlgorithm integrity,
      ConfidentialityAlgorithm confidentiality,
      byte[] k1,
      byte[] k2,
      Consumer<byte[]> ivSource) {
    this.integrity = integrity;
    this.confidentiality = confidentiality;
    this.k1 = k1.clone();
    this.aesKey =
        confidentiality == ConfidentialityAlgorithm.AES_CBC_128
            ? new SecretKeySpec(Arrays.copyOf(k2, 16), "AES")
            : null;
    this.ivSource = ivSource;
  }

  /** The crypto of a session with the given suite and keys, with random IVs. */
  static SessionCrypto forSuite(CipherSuite suite, byte[] k1, byte[] k2) {
    return new SessionCrypto(suite.integrity(), suite.confidentiality(), k1, k2, RANDOM::nextBytes);
  }

  boolean authenticated() {
    return integrity != IntegrityAlgorithm.NONE;
  }

  boolean encrypted() {
    return confidentiality != ConfidentialityAlgorithm.NONE;
  }

  int authCodeLength() {
    return integrity.authCodeLength();
  }

  byte[] authCode(byte[] data, int from, int to) {
    return integrity.authCode(k1, data, from, to);
  }

  boolean authCodeMatches(byte[] data, int from, int to, byte[] expected) {
    return MessageDigest.isEqual(authCode(data, from, to), expected);
  }

  /** IV, then the data padded with 1, 2, 3... and the pad length, encrypted (section 13.29). */
  byte[] encrypt(byte[] plain) {
    int pad = (AES_BLOCK - (plain.length + 1) % AES_BLOCK) % AES_BLOCK;
    byte[] padded = Arrays.copyOf(plain, plain.length + pad + 1);
    for (int i = 0; i < pad; i++) {
      padded[plain.length + i] = (byte) (i + 1);
    }
    padded[padded.length - 1] = (byte) pad;
    byte[] iv = new byte[AES_BLOCK];
    ivSource.accept(iv);
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, aesKey, new IvParameterSpec(iv));
      byte[] enc = c.doFinal(padded);
      byte[] out = Arrays.copyOf(iv, AES_BLOCK + enc.length);
      System.arraycopy(enc, 0, out, AES_BLOCK, enc.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CBC/NoPadding is not available in this JVM", e);
    }
  }

  /** The plain payload, or empty when the ciphertext is malformed. */
  Optional<byte[]> decrypt(byte[] payload) {
    if (payload.length < 2 * AES_BLOCK || payload.length % AES_BLOCK != 0) {
      return Optional.empty();
    }
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(Cipher.DECRYPT_MODE, aesKey, new IvParameterSpec(Arrays.copyOf(payload, AES_BLOCK)));
      byte[] plain = c.doFinal(payload, AES_BLOCK, payload.length - AES_BLOCK);
      int pad = plain[plain.length - 1] & 0xff;
      if (pad >= AES_BLOCK) {
        return Optional.empty();
      }
      return Optional.of(Arrays.copyOf(plain, plain.length - 1 - pad));
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
