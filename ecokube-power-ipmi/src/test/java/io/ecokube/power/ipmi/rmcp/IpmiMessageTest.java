package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpmiMessageTest {

  @Test
  void requestMatchesIpmitoolsGetChannelAuthCapabilities() {
    // From the capture: netfn 06, cmd 38, data 8e 04, rqSeq 0.
    assertThat(Hex.string(IpmiMessage.request(0x06, 0x38, 0, Hex.bytes("8e 04"))))
        .isEqualTo("2018c8810038" + "8e04" + "b5");
  }

  @Test
  void decodesAResponseAndChecksBothChecksums() {
    byte[] ok = Hex.bytes("81 1c 63 20 04 3b 00 04 9d");
    assertThat(IpmiMessage.decodeResponse(ok)).isPresent();
    byte[] badHeader = ok.clone();
    badHeader[2]++;
    assertThat(IpmiMessage.decodeResponse(badHeader)).isEmpty();
    byte[] badBody = ok.clone();
    badBody[7]++;
    assertThat(IpmiMessage.decodeResponse(badBody)).isEmpty();
  }

  @Test
  void aRequestIsNotTakenForAResponse() {
    assertThat(IpmiMessage.decodeResponse(IpmiMessage.request(0x06, 0x3b, 1, new byte[] {4})))
        .isEmpty();
  }

  @Test
  void rqSeqWrapsAtSixBits() {
    byte[] m = IpmiMessage.request(0x00, 0x01, 65, new byte[0]);
    assertThat((m[4] & 0xff) >>> 2).isEqualTo(1);
  }

  @Test
  void completionCodesAreNamed() {
    assertThat(CompletionCodes.describe(0xC1)).isEqualTo("C1h (invalid command)");
    assertThat(CompletionCodes.describe(0xD4)).contains("privilege");
  }
}
