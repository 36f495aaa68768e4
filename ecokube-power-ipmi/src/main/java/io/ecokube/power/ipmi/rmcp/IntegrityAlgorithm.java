package io.ecokube.power.ipmi.rmcp;

import java.util.Arrays;

/** The integrity algorithm of a cipher suite: the AuthCode trailer on every session packet. */
public enum IntegrityAlgorithm {
  /** No AuthCode: packets can be forged. */
  NONE(0x00, null, 0),
  /** HMAC-SHA1 truncated to 96 bits, keyed with K1. */
  HMAC_SHA1_96(0x01, "HmacSHA1", 12),
  /** HMAC-SHA256 truncated to 128 bits, keyed with K1. */
  HMAC_SHA256_128(0x04, "HmacSHA256", 16);

  private final int code;
  private final String jcaName;
  private final int authCodeLength;

  IntegrityAlgorithm(int code, String jcaName, int authCodeLength) {
    this.code = code;
    this.jcaName = jcaName;
    this.authCodeLength = authCodeLength;
  }

  /** The algorithm number in Open Session messages. */
  public int code() {
    return code;
  }

  /** Length of the AuthCode trailer (0 for none). */
  public int authCodeLength() {
    return authCodeLength;
  }

  /** The AuthCode over {@code data[from, to)}. */
  byte[] authCode(byte[] k1, byte[] data, int from, int to) {
    return Arrays.copyOf(
        Hmac.compute(jcaName, k1, Arrays.copyOfRange(data, from, to)), authCodeLength);
  }
}
