package io.ecokube.power.ipmi.rmcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * The RMCP header and the IPMI v2.0 session wrapper around a payload (IPMI v2.0 section 13.6): an
 * optional AES-CBC-128 payload and an optional integrity trailer.
 */
final class RmcpPacket {
  static final int PAYLOAD_IPMI = 0x00;
  static final int PAYLOAD_OPEN_SESSION_REQUEST = 0x10;
  static final int PAYLOAD_OPEN_SESSION_RESPONSE = 0x11;
  static final int PAYLOAD_RAKP_1 = 0x12;
  static final int PAYLOAD_RAKP_2 = 0x13;
  static final int PAYLOAD_RAKP_3 = 0x14;
  static final int PAYLOAD_RAKP_4 = 0x15;

  private static final int AUTH_TYPE_RMCP_PLUS = 0x06;
  private static final int NEXT_HEADER = 0x07;
  private static final int HEADER_LENGTH = 16;
  private static final byte[] RMCP_HEADER = {0x06, 0x00, (byte) 0xff, 0x07};

  private RmcpPacket() {}

  /**
   * Encodes a packet; the payload is encrypted and the packet signed as the crypto demands.
   *
   * @param payloadType one of the {@code PAYLOAD_} constants
   * @param sessionId the receiver's session ID (0 before a session exists)
   * @param sequence the session sequence number (0 before a session exists)
   */
  static byte[] encode(
      int payloadType, int sessionId, int sequence, byte[] payload, SessionCrypto crypto) {
    byte[] body = crypto.encrypted() ? crypto.encrypt(payload) : payload;
    int unsigned = HEADER_LENGTH + body.length;
    int pad = 0;
    int total = unsigned;
    if (crypto.authenticated()) {
      // The signed range starts at the auth type (offset 4) and must be a multiple of 4 bytes.
      pad = (4 - (unsigned - 4 + 2) % 4) % 4;
      total = unsigned + pad + 2 + crypto.authCodeLength();
    }
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(RMCP_HEADER);
    b.put((byte) AUTH_TYPE_RMCP_PLUS);
    b.put(
        (byte)
            ((crypto.encrypted() ? 0x80 : 0)
                | (crypto.authenticated() ? 0x40 : 0)
                | (payloadType & 0x3f)));
    b.putInt(sessionId);
    b.putInt(sequence);
    b.putShort((short) body.length);
    b.put(body);
    if (crypto.authenticated()) {
      for (int i = 0; i < pad; i++) {
        b.put((byte) 0xff);
      }
      b.put((byte) pad);
      b.put((byte) NEXT_HEADER);
      byte[] packet = b.array();
      byte[] code = crypto.authCode(packet, 4, total - crypto.authCodeLength());
      System.arraycopy(code, 0, packet, total - code.length, code.length);
      return packet;
    }
    return b.array();
  }

  /**
   * Decodes a packet, checking its AuthCode and decrypting it as the crypto demands; empty when it
   * is not an RMCP+ packet, is malformed, or fails the integrity check (all treated as noise).
   */
  static Optional<Decoded> decode(byte[] p, int length, SessionCrypto crypto) {
    if (length < HEADER_LENGTH
        || p[0] != RMCP_HEADER[0]
        || p[3] != RMCP_HEADER[3]
        || p[4] != AUTH_TYPE_RMCP_PLUS) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(p, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    int type = p[5] & 0xff;
    boolean encrypted = (type & 0x80) != 0;
    boolean authenticated = (type & 0x40) != 0;
    int sessionId = b.getInt(6);
    int sequence = b.getInt(10);
    int payloadLength = b.getShort(14) & 0xffff;
    if (HEADER_LENGTH + payloadLength > length
        || encrypted != crypto.encrypted()
        || authenticated != crypto.authenticated()) {
      return Optional.empty();
    }
    if (authenticated) {
      int codeStart = length - crypto.authCodeLength();
      if (codeStart < HEADER_LENGTH + payloadLength + 2
          || (p[codeStart - 1] & 0xff) != NEXT_HEADER
          || !crypto.authCodeMatches(p, 4, codeStart, Arrays.copyOfRange(p, codeStart, length))) {
        return Optional.empty();
      }
    }
    byte[] payload = Arrays.copyOfRange(p, HEADER_LENGTH, HEADER_LENGTH + payloadLength);
    if (encrypted) {
      Optional<byte[]> plain = crypto.decrypt(payload);
      if (plain.isEmpty()) {
        return Optional.empty();
      }
      payload = plain.get();
    }
    return Optional.of(new Decoded(type & 0x3f, sessionId, sequence, payload));
  }

  /**
   * A decoded packet.
   *
   * @param payloadType the payload type without the encrypted/authenticated bits
   * @param sessionId the session ID the sender addressed
   * @param sequence the sender's session sequence number
   * @param payload the plain payload
   */
  record Decoded(int payloadType, int sessionId, int sequence, byte[] payload) {}
}
