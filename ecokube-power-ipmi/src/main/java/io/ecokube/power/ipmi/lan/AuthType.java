package io.ecokube.power.ipmi.lan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;

/** An IPMI v1.5 session authentication type (IPMI v2.0 section 13.6) and its auth code. */
public enum AuthType {
  /** No auth code at all: anyone who can send UDP to the BMC may act as the user. */
  NONE(0x00, null),
  /** MD2 digest over password, session, message and sequence. */
  MD2(0x01, "MD2"),
  /** MD5 digest over password, session, message and sequence: the strongest IPMI 1.5 offers. */
  MD5(0x02, "MD5"),
  /** The password itself in every packet, readable by anyone on the network. */
  STRAIGHT(0x04, null);

  /** Length of the auth code field in the session header and of a padded password. */
  public static final int CODE_LENGTH = 16;

  private final int code;
  private final String digest;

  AuthType(int code, String digest) {
    this.code = code;
    this.digest = digest;
  }

  /** The type as it travels on the wire. */
  public int code() {
    return code;
  }

  /** The bit for this type in Get Channel Authentication Capabilities' support mask. */
  int supportBit() {
    return 1 << code;
  }

  /**
   * The lower-case name used in settings: {@code md5}, {@code md2}, {@code straight}, {@code none}.
   */
  public String settingName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type with this wire code, or null for an unknown one. */
  static AuthType byCode(int code) {
    for (AuthType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /**
   * The 16-byte auth code of one packet (IPMI v2.0 section 22.17.1): for the digests, {@code
   * H(password ‖ session ID ‖ message ‖ session sequence ‖ password)} with the password zero-padded
   * to 16 bytes and both numbers little-endian; for straight, the padded password.
   *
   * @param password the user's password, at most 16 bytes
   * @param sessionId the session ID in the packet's header
   * @param message the IPMI message the packet carries
   * @param sequence the session sequence number in the packet's header
   * @throws IllegalStateException for {@link #NONE}, which has no auth code
   */
  public byte[] authCode(byte[] password, int sessionId, byte[] message, int sequence) {
    if (this == NONE) {
      throw new IllegalStateException("auth type none has no auth code");
    }
    if (password.length > CODE_LENGTH) {
      throw new IllegalArgumentException(
          "IPMI 1.5 passwords are at most " + CODE_LENGTH + " bytes long");
    }
    byte[] padded = Arrays.copyOf(password, CODE_LENGTH);
    if (this == STRAIGHT) {
      return padded;
    }
    try {
      MessageDigest h = MessageDigest.getInstance(digest);
      h.update(padded);
      h.update(le32(sessionId));
      h.update(message);
      h.update(le32(sequence));
      h.update(padded);
      return h.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + digest, e);
    } finally {
      Arrays.fill(padded, (byte) 0);
    }
  }

  static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }
}
