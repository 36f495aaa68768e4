package io.ecokube.power.ipmi.rmcp;

import java.util.Locale;

/** IPMI completion codes (IPMI v2.0 table 5-2) that a power driver meets, with readable names. */
public final class CompletionCodes {
  /** The command is not implemented by this BMC. */
  public static final int INVALID_COMMAND = 0xC1;

  /** The session's privilege is too low for the command. */
  public static final int INSUFFICIENT_PRIVILEGE = 0xD4;

  /** The command is disabled or not supported in the BMC's present state. */
  public static final int NOT_SUPPORTED_IN_PRESENT_STATE = 0xD5;

  /** The command is disabled on this BMC. */
  public static final int COMMAND_DISABLED = 0xD6;

  private CompletionCodes() {}

  /** The code in hex with its meaning, for messages: {@code C1h (invalid command)}. */
  public static String describe(int code) {
    String hex = String.format(Locale.ROOT, "%02Xh", code & 0xff);
    String meaning;
    switch (code & 0xff) {
      case 0xC0:
        meaning = "node busy";
        break;
      case INVALID_COMMAND:
        meaning = "invalid command";
        break;
      case 0xC3:
        meaning = "timeout while processing";
        break;
      case 0xC7:
      case 0xC8:
        meaning = "request data length invalid";
        break;
      case 0xCC:
        meaning = "invalid data field in request";
        break;
      case 0xCE:
        meaning = "cannot respond";
        break;
      case 0xD0:
        meaning = "BMC in update mode";
        break;
      case INSUFFICIENT_PRIVILEGE:
        meaning = "insufficient privilege level";
        break;
      case NOT_SUPPORTED_IN_PRESENT_STATE:
        meaning = "not supported in present state";
        break;
      case COMMAND_DISABLED:
        meaning = "command disabled";
        break;
      case 0x80:
        meaning = "requested privilege not available for this user";
        break;
      case 0x81:
        meaning = "requested privilege exceeds the user's limit";
        break;
      case 0x82:
        meaning = "requested privilege exceeds the channel's limit";
        break;
      case 0xFF:
        meaning = "unspecified error";
        break;
      default:
        meaning = "unexpected";
    }
    return hex + " (" + meaning + ")";
  }
}
