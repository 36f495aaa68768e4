package io.ecokube.power.ipmi.rmcp;

import java.util.Arrays;
import java.util.Optional;

/**
 * The IPMI LAN message inside a session payload (IPMI v2.0 section 13.8): addresses, network
 * function, sequence, command, data and the two checksums.
 */
public final class IpmiMessage {
  /** The BMC's responder address. */
  static final int BMC_ADDRESS = 0x20;

  /** The software ID of a remote console. */
  static final int CONSOLE_ADDRESS = 0x81;

  private IpmiMessage() {}

  /**
   * Encodes a request.
   *
   * @param netFn the network function (even: requests)
   * @param command the command number
   * @param rqSeq the 6-bit request sequence that the response echoes
   * @param data the request data
   */
  public static byte[] request(int netFn, int command, int rqSeq, byte[] data) {
    byte[] m = new byte[7 + data.length];
    m[0] = (byte) BMC_ADDRESS;
    m[1] = (byte) (netFn << 2);
    m[2] = checksum(m, 0, 2);
    m[3] = (byte) CONSOLE_ADDRESS;
    m[4] = (byte) ((rqSeq & 0x3f) << 2);
    m[5] = (byte) command;
    System.arraycopy(data, 0, m, 6, data.length);
    m[m.length - 1] = checksum(m, 3, m.length - 1);
    return m;
  }

  /**
   * Decodes a response, or empty when the bytes are not a well-formed response (wrong length or
   * checksum): such a packet is treated like one lost on the way.
   */
  public static Optional<Response> decodeResponse(byte[] m) {
    if (m.length < 8
        || checksum(m, 0, 2) != m[2]
        || checksum(m, 3, m.length - 1) != m[m.length - 1]) {
      return Optional.empty();
    }
    int netFn = (m[1] & 0xff) >>> 2;
    if ((netFn & 1) == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new Response(
            netFn,
            m[5] & 0xff,
            (m[4] & 0xff) >>> 2,
            m[6] & 0xff,
            Arrays.copyOfRange(m, 7, m.length - 1)));
  }

  /** The two's-complement checksum of {@code m[from, to)}: the byte that makes the sum zero. */
  static byte checksum(byte[] m, int from, int to) {
    int sum = 0;
    for (int i = from; i < to; i++) {
      sum += m[i];
    }
    return (byte) -sum;
  }

  /**
   * A decoded response.
   *
   * @param netFn the response network function (the request's plus one)
   * @param command the command it answers
   * @param rqSeq the request sequence it echoes
   * @param completionCode 0 for success
   * @param data the response data after the completion code
   */
  public record Response(int netFn, int command, int rqSeq, int completionCode, byte[] data) {
    /** Copies the data. */
    public Response {
      data = data.clone();
    }

    /** The data (a copy). */
    @Override
    public byte[] data() {
      return data.clone();
    }
  }
}
