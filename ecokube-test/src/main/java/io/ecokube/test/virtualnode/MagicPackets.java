package io.ecokube.test.virtualnode;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The machine's side of Wake-on-LAN: reads MAC addresses and recognises magic packets (6 bytes of
 * {@code 0xFF}, then the MAC 16 times, optionally followed by a 4- or 6-byte SecureOn password).
 *
 * <p>The kit parses packets itself rather than reusing the wol driver's code, so that a test of
 * that driver checks its packets against an independent reading of the format.
 */
final class MagicPackets {
  private static final int MAC_LENGTH = 6;
  private static final int LENGTH = 6 + 16 * MAC_LENGTH;
  private static final Pattern SPELLINGS =
      Pattern.compile(
          "\\p{XDigit}{2}(:\\p{XDigit}{2}){5}|\\p{XDigit}{2}(-\\p{XDigit}{2}){5}"
              + "|\\p{XDigit}{4}(\\.\\p{XDigit}{4}){2}|\\p{XDigit}{12}");

  private MagicPackets() {}

  /**
   * Reads {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff}, {@code aabb.ccdd.eeff} or {@code
   * aabbccddeeff} (the spellings the wol driver accepts).
   *
   * @return the six bytes, or empty when the text is none of those spellings
   */
  static Optional<byte[]> parseMac(String text) {
    String t = text.trim();
    if (!SPELLINGS.matcher(t).matches()) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().parseHex(t.replaceAll("[:.-]", "")));
  }

  /** The address as {@code aa:bb:cc:dd:ee:ff}. */
  static String format(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac).toLowerCase(Locale.ROOT);
  }

  /** Whether {@code data[off, off + len)} is a magic packet that wakes {@code mac}. */
  static boolean wakes(byte[] mac, byte[] data, int off, int len) {
    if (len != LENGTH && len != LENGTH + 4 && len != LENGTH + 6) {
      return false;
    }
    for (int i = 0; i < 6; i++) {
      if (data[off + i] != (byte) 0xFF) {
        return false;
      }
    }
    for (int r = 0; r < 16; r++) {
      int from = off + 6 + r * MAC_LENGTH;
      if (!Arrays.equals(data, from, from + MAC_LENGTH, mac, 0, MAC_LENGTH)) {
        return false;
      }
    }
    return true;
  }
}
