package io.ecokube.power.wol;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The optional SecureOn password some network cards require after the MAC repetitions of a magic
 * packet: 6 bytes (written like a MAC address) or 4 bytes (written like an IPv4 address, {@code
 * 192.168.1.10}, or as 8 hex digits). It travels in clear text on the wire, but it still guards
 * against stray wakes, so it is configured by secret reference and never shown by {@link
 * #toString()}.
 */
public final class SecureOnPassword {
  private static final Pattern DOTTED_DECIMAL =
      Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern HEX8 = Pattern.compile("\\p{XDigit}{8}");

  private final byte[] bytes;

  private SecureOnPassword(byte[] bytes) {
    this.bytes = bytes;
  }

  /**
   * Parses a password.
   *
   * @return the password, or empty when the text is in none of the accepted forms
   */
  public static Optional<SecureOnPassword> parse(String text) {
    String t = text.trim();
    Optional<MacAddress> six = MacAddress.parse(t);
    if (six.isPresent()) {
      return Optional.of(new SecureOnPassword(six.get().bytes()));
    }
    if (HEX8.matcher(t).matches()) {
      long v = Long.parseLong(t, 16);
      return Optional.of(
          new SecureOnPassword(
              new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v}));
    }
    if (DOTTED_DECIMAL.matcher(t).matches()) {
      String[] parts = t.split("\\.");
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        int octet = Integer.parseInt(parts[i]);
        if (octet > 255) {
          return Optional.empty();
        }
        b[i] = (byte) octet;
      }
      return Optional.of(new SecureOnPassword(b));
    }
    return Optional.empty();
  }

  /** The 4 or 6 bytes appended to the magic packet; a copy. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** 4 or 6. */
  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SecureOnPassword p && Arrays.equals(bytes, p.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "SecureOnPassword[" + bytes.length + " bytes, ****]";
  }
}
