package io.ecokube.power.wol;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A 48-bit Ethernet MAC address.
 *
 * <p>Accepted spellings (case-insensitive): {@code aa:bb:cc:dd:ee:ff}, {@code aa-bb-cc-dd-ee-ff},
 * {@code aabb.ccdd.eeff} (Cisco) and {@code aabbccddeeff}. Anything else, including mixed
 * separators and one-digit groups, is rejected so that a typo never wakes the wrong machine.
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) {
  private static final Pattern COLONS = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
  private static final Pattern DASHES = Pattern.compile("\\p{XDigit}{2}(-\\p{XDigit}{2}){5}");
  private static final Pattern DOTS = Pattern.compile("\\p{XDigit}{4}(\\.\\p{XDigit}{4}){2}");
  private static final Pattern BARE = Pattern.compile("\\p{XDigit}{12}");

  /** Checks that the value fits in 48 bits. */
  public MacAddress {
    if ((value >>> 48) != 0) {
      throw new IllegalArgumentException(
          "a MAC address has 48 bits; got 0x" + Long.toHexString(value));
    }
  }

  /**
   * Parses one of the accepted spellings.
   *
   * @return the address, or empty when the text is not one of the accepted spellings
   */
  public static Optional<MacAddress> parse(String text) {
    String t = text.trim();
    if (!(COLONS.matcher(t).matches()
        || DASHES.matcher(t).matches()
        || DOTS.matcher(t).matches()
        || BARE.matcher(t).matches())) {
      return Optional.empty();
    }
    String hex = t.replaceAll("[:.-]", "");
    return Optional.of(new MacAddress(Long.parseUnsignedLong(hex, 16)));
  }

  /** The six bytes, most significant first, as they go on the wire. */
  public byte[] bytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (8 * (5 - i)));
    }
    return b;
  }

  /** The address as {@code aa:bb:cc:dd:ee:ff}. */
  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(bytes()).toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(17);
    for (int i = 0; i < 12; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(hex, i, i + 2);
    }
    return sb.toString();
  }
}
