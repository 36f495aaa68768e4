package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CipherSuiteTest {

  @Test
  void suitesMapToTheSpecificationsAlgorithms() {
    CipherSuite s3 = CipherSuite.byId(3);
    assertThat(s3.authentication()).isEqualTo(AuthenticationAlgorithm.RAKP_HMAC_SHA1);
    assertThat(s3.integrity()).isEqualTo(IntegrityAlgorithm.HMAC_SHA1_96);
    assertThat(s3.confidentiality()).isEqualTo(ConfidentialityAlgorithm.AES_CBC_128);
    CipherSuite s17 = CipherSuite.byId(17);
    assertThat(s17.authentication().code()).isEqualTo(0x03);
    assertThat(s17.integrity().code()).isEqualTo(0x04);
    assertThat(s17.confidentiality().code()).isEqualTo(0x01);
    assertThat(CipherSuite.byId(0).unauthenticated()).isTrue();
    assertThat(s17.unauthenticated()).isFalse();
  }

  @Test
  void unknownSuitesAreRefusedWithTheSupportedList() {
    assertThatThrownBy(() -> CipherSuite.byId(6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1, 2, 3, 15, 16, 17]");
  }

  @Test
  void openSessionRequestOffersTheSuitesAlgorithms() {
    byte[] req =
        RmcpPlusSession.openSessionRequest(
            0, Privilege.ADMINISTRATOR, 0xa0a2a3a4, CipherSuite.byId(3));
    // As ipmitool sent it in the capture, except that we ask for administrator (04) explicitly.
    assertThat(Hex.string(req))
        .isEqualTo(
            "00040000a4a3a2a0" + "0000000801000000" + "0100000801000000" + "0200000801000000");
  }
}
