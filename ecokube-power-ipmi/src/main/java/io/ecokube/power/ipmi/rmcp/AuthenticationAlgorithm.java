package io.ecokube.power.ipmi.rmcp;

import java.util.Arrays;

/**
 * The RAKP authentication algorithm of a cipher suite: which HMAC proves the password during the
 * key exchange and derives the session keys.
 */
public enum AuthenticationAlgorithm {
  /** RAKP-none: no proof of the password at all (cipher suite 0, CVE-2013-4782). */
  RAKP_NONE(0x00, null, 0, 0),
  /** RAKP-HMAC-SHA1 (cipher suites 1 to 3). */
  RAKP_HMAC_SHA1(0x01, "HmacSHA1", 20, 12),
  /** RAKP-HMAC-SHA256 (cipher suites 15 to 17). */
  RAKP_HMAC_SHA256(0x03, "HmacSHA256", 32, 16);

  private final int code;
  private final String jcaName;
  private final int macLength;
  private final int rakp4IcvLength;

  AuthenticationAlgorithm(int code, String jcaName, int macLength, int rakp4IcvLength) {
    this.code = code;
    this.jcaName = jcaName;
    this.macLength = macLength;
    this.rakp4IcvLength = rakp4IcvLength;
  }

  /** The algorithm number in Open Session messages. */
  public int code() {
    return code;
  }

  /** Length of the key exchange authentication codes in RAKP 2 and 3 (0 for none). */
  public int macLength() {
    return macLength;
  }

  /** Length of the integrity check value in RAKP 4 (0 for none). */
  public int rakp4IcvLength() {
    return rakp4IcvLength;
  }

  /** HMAC of the concatenated parts; an empty array for {@link #RAKP_NONE}. */
  public byte[] mac(byte[] key, byte[]... parts) {
    return jcaName == null ? new byte[0] : Hmac.compute(jcaName, key, parts);
  }

  /** The RAKP 4 integrity check value: the HMAC truncated to {@link #rakp4IcvLength()}. */
  public byte[] rakp4Icv(byte[] sik, byte[]... parts) {
    return Arrays.copyOf(mac(sik, parts), rakp4IcvLength);
  }
}
