package io.ecokube.power.ipmi.rmcp;

import java.util.HexFormat;

/** Hex strings with spaces, as ipmitool prints them. */
final class Hex {
  private Hex() {}

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  static String string(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
