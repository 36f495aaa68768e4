package io.ecokube.power.ipmi.rmcp;

/** The confidentiality algorithm of a cipher suite: whether session payloads are encrypted. */
public enum ConfidentialityAlgorithm {
  /** Payloads travel in clear. */
  NONE(0x00),
  /** AES-128 in CBC mode with a fresh IV per packet, keyed with the first 16 bytes of K2. */
  AES_CBC_128(0x01);

  private final int code;

  ConfidentialityAlgorithm(int code) {
    this.code = code;
  }

  /** The algorithm number in Open Session messages. */
  public int code() {
    return code;
  }
}
