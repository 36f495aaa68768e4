package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Packet encoding and decoding against the first in-session exchange (Set Session Privilege Level)
 * of the ipmitool capture described in {@link RakpTest}: cipher suite 3, HMAC-SHA1-96 and
 * AES-CBC-128 with the captured K1, K2 and IV.
 */
class RmcpPacketTest {
  static final byte[] K1 = Hex.bytes("681d73456ba24b545f7cc43d670454a9bf7d2eb0");
  static final byte[] K2 = Hex.bytes("bd174966f9a96ce07347ed90503541b88d6e3d35");
  static final byte[] IV = Hex.bytes("72 6f 26 49 ea 96 14 81 23 9c 9b d3 04 56 f9 9e");

  static final byte[] REQUEST =
      Hex.bytes(
          "06 00 ff 07 06 c0 86 0a 00 00 03 00 00 00 20 00"
              + "72 6f 26 49 ea 96 14 81 23 9c 9b d3 04 56 f9 9e"
              + "c8 4d 18 dd ab 1d 7d 9d ca 50 e8 0f 39 67 af 62"
              + "ff ff 02 07 02 be 0c c6 72 70 fd ac 12 83 25 46");

  static final byte[] RESPONSE =
      Hex.bytes(
          "06 00 ff 07 06 c0 a4 a3 a2 a0 01 00 00 00 20 00"
              + "9e bc 99 2f e6 e9 46 3f d9 a8 62 66 d0 0e e6 fc"
              + "34 02 53 d5 5d 11 e2 5f 96 c2 d0 2d 6f e3 de d3"
              + "ff ff 02 07 a1 15 14 6a fa f2 b7 ef 00 75 ac 58");

  static SessionCrypto capturedCrypto() {
    return new SessionCrypto(
        IntegrityAlgorithm.HMAC_SHA1_96,
        ConfidentialityAlgorithm.AES_CBC_128,
        K1,
        K2,
        iv -> System.arraycopy(IV, 0, iv, 0, iv.length));
  }

  @Test
  void encodesTheCapturedRequestByteForByte() {
    byte[] message = IpmiMessage.request(0x06, 0x3b, 1, new byte[] {0x04});
    assertThat(Hex.string(message)).isEqualTo("2018c881043b043c");
    byte[] packet =
        RmcpPacket.encode(RmcpPacket.PAYLOAD_IPMI, 0x00000a86, 3, message, capturedCrypto());
    assertThat(Hex.string(packet)).isEqualTo(Hex.string(REQUEST));
  }

  @Test
  void decodesTheCapturedResponse() {
    RmcpPacket.Decoded d =
        RmcpPacket.decode(RESPONSE, RESPONSE.length, capturedCrypto()).orElseThrow();
    assertThat(d.payloadType()).isEqualTo(RmcpPacket.PAYLOAD_IPMI);
    assertThat(d.sessionId()).isEqualTo(0xa0a2a3a4);
    assertThat(d.sequence()).isEqualTo(1);
    IpmiMessage.Response r = IpmiMessage.decodeResponse(d.payload()).orElseThrow();
    assertThat(r.netFn()).isEqualTo(0x07);
    assertThat(r.command()).isEqualTo(0x3b);
    assertThat(r.rqSeq()).isEqualTo(1);
    assertThat(r.completionCode()).isZero();
    assertThat(r.data()).containsExactly(0x04);
  }

  @Test
  void aTamperedPacketFailsTheIntegrityCheck() {
    for (int i = 4; i < RESPONSE.length; i++) {
      byte[] bad = RESPONSE.clone();
      bad[i] ^= 0x01;
      assertThat(RmcpPacket.decode(bad, bad.length, capturedCrypto())).as("byte %d", i).isEmpty();
    }
  }

  @Test
  void aPacketSignedWithAnotherKeyIsRejected() {
    byte[] otherK1 = K1.clone();
    otherK1[0] ^= 1;
    SessionCrypto other =
        new SessionCrypto(
            IntegrityAlgorithm.HMAC_SHA1_96,
            ConfidentialityAlgorithm.AES_CBC_128,
            otherK1,
            K2,
            iv -> {});
    assertThat(RmcpPacket.decode(RESPONSE, RESPONSE.length, other)).isEmpty();
  }

  @Test
  void truncatedOrForeignDatagramsAreIgnored() {
    assertThat(RmcpPacket.decode(RESPONSE, 20, capturedCrypto())).isEmpty();
    byte[] v15 = RESPONSE.clone();
    v15[4] = 0x00;
    assertThat(RmcpPacket.decode(v15, v15.length, capturedCrypto())).isEmpty();
    assertThat(RmcpPacket.decode(RESPONSE, RESPONSE.length, SessionCrypto.NONE)).isEmpty();
  }

  @Test
  void everyPayloadLengthRoundTripsWithAes() {
    SessionCrypto c = SessionCrypto.forSuite(CipherSuite.byId(17), new byte[32], K2);
    for (int n = 0; n < 70; n++) {
      byte[] payload = new byte[n];
      Arrays.fill(payload, (byte) n);
      byte[] p = RmcpPacket.encode(RmcpPacket.PAYLOAD_IPMI, 7, n + 1, payload, c);
      // The signed range, auth type to next header, is a multiple of 4 bytes.
      assertThat((p.length - 4 - 16) % 4).isZero();
      RmcpPacket.Decoded d = RmcpPacket.decode(p, p.length, c).orElseThrow();
      assertThat(d.payload()).isEqualTo(payload);
      assertThat(d.sequence()).isEqualTo(n + 1);
    }
  }

  @Test
  void sessionlessPacketsCarryNoTrailer() {
    byte[] payload = {1, 2, 3};
    byte[] p = RmcpPacket.encode(RmcpPacket.PAYLOAD_RAKP_1, 0, 0, payload, SessionCrypto.NONE);
    assertThat(Hex.string(p)).isEqualTo("0600ff0706120000000000000000" + "0300" + "010203");
    assertThat(RmcpPacket.decode(p, p.length, SessionCrypto.NONE).orElseThrow().payloadType())
        .isEqualTo(RmcpPacket.PAYLOAD_RAKP_1);
  }
}
