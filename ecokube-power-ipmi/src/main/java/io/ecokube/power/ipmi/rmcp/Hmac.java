package io.ecokube.power.ipmi.rmcp;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC over concatenated parts, with the JDK's providers. */
final class Hmac {
  private Hmac() {}

  static byte[] compute(String algorithm, byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key, algorithm));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      // Every Java SE runtime must provide HmacSHA1 and HmacSHA256.
      throw new IllegalStateException(algorithm + " is not available in this JVM", e);
    }
  }
}
