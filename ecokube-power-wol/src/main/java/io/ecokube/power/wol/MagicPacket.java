package io.ecokube.power.wol;

import java.util.Objects;
import java.util.Optional;

/**
 * Builds the Wake-on-LAN "magic packet": six {@code 0xFF} bytes, the target MAC address sixteen
 * times, then the SecureOn password when one is set (102, 106 or 108 bytes in all).
 */
public final class MagicPacket {
  /** Length of a packet without a SecureOn password. */
  public static final int BASE_LENGTH = 6 + 16 * 6;

  private MagicPacket() {}

  /** The packet's bytes for a MAC address and an optional SecureOn password. */
  public static byte[] build(MacAddress mac, Optional<SecureOnPassword> password) {
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(password, "password");
    byte[] macBytes = mac.bytes();
    byte[] pw = password.map(SecureOnPassword::bytes).orElse(new byte[0]);
    byte[] packet = new byte[BASE_LENGTH + pw.length];
    for (int i = 0; i < 6; i++) {
      packet[i] = (byte) 0xFF;
    }
    for (int r = 0; r < 16; r++) {
      System.arraycopy(macBytes, 0, packet, 6 + r * 6, 6);
    }
    System.arraycopy(pw, 0, packet, BASE_LENGTH, pw.length);
    return packet;
  }
}
