package io.ecokube.power.ipmi.lan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Encodes and decodes IPMI v1.5 LAN packets (IPMI v2.0 section 13.6): the RMCP header, the session
 * header (auth type, session sequence, session ID, the 16-byte auth code unless the type is none,
 * message length) and the IPMI message.
 */
public final class LanPacket {
  /** RMCP version 1.0, reserved, sequence FFh (no RMCP ACK), class IPMI. */
  private static final byte[] RMCP_HEADER = {0x06, 0x00, (byte) 0xFF, 0x07};

  private LanPacket() {}

  /**
   * Encodes a packet; the auth code is computed from the password for the header's fields.
   *
   * @param authType the packet's auth type
   * @param sequence the session sequence number (0 outside a session)
   * @param sessionId the session ID (0 outside a session)
   * @param message the IPMI message
   * @param password the user's password; unused for {@link AuthType#NONE}
   */
  public static byte[] encode(
      AuthType authType, int sequence, int sessionId, byte[] message, byte[] password) {
    if (message.length > 255) {
      throw new IllegalArgumentException("an IPMI 1.5 message is at most 255 bytes long");
    }
    boolean signed = authType != AuthType.NONE;
    ByteBuffer b =
        ByteBuffer.allocate(4 + 9 + (signed ? AuthType.CODE_LENGTH : 0) + 1 + message.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put(RMCP_HEADER)
            .put((byte) authType.code())
            .putInt(sequence)
            .putInt(sessionId);
    if (signed) {
      b.put(authType.authCode(password, sessionId, message, sequence));
    }
    return b.put((byte) message.length).put(message).array();
  }

  /**
   * Decodes a packet, or empty when the bytes are not an IPMI 1.5 LAN packet (RMCP+ packets, ASF
   * pongs, truncated ones): such a packet is ignored like one lost on the way.
   */
  public static Optional<Decoded> decode(byte[] data, int length) {
    if (length < 14 || data[0] != RMCP_HEADER[0] || data[3] != RMCP_HEADER[3]) {
      return Optional.empty();
    }
    AuthType type = AuthType.byCode(data[4] & 0xff);
    if (type == null) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    int sequence = b.getInt(5);
    int sessionId = b.getInt(9);
    int at = 13;
    byte[] code = new byte[0];
    if (type != AuthType.NONE) {
      if (length < at + AuthType.CODE_LENGTH + 1) {
        return Optional.empty();
      }
      code = Arrays.copyOfRange(data, at, at + AuthType.CODE_LENGTH);
      at += AuthType.CODE_LENGTH;
    }
    int messageLength = data[at] & 0xff;
    at++;
    if (length < at + messageLength) {
      return Optional.empty();
    }
    return Optional.of(
        new Decoded(
            type, sequence, sessionId, code, Arrays.copyOfRange(data, at, at + messageLength)));
  }

  /**
   * A decoded packet.
   *
   * @param authType the auth type in its header
   * @param sequence the session sequence number
   * @param sessionId the session ID
   * @param authCode the auth code as received (empty for {@link AuthType#NONE})
   * @param message the IPMI message
   */
  public record Decoded(
      AuthType authType, int sequence, int sessionId, byte[] authCode, byte[] message) {
    /** Copies the arrays. */
    public Decoded {
      authCode = authCode.clone();
      message = message.clone();
    }

    /** The auth code (a copy). */
    @Override
    public byte[] authCode() {
      return authCode.clone();
    }

    /** The message (a copy). */
    @Override
    public byte[] message() {
      return message.clone();
    }
  }
}
