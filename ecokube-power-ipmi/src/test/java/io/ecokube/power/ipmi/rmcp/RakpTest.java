package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The RAKP codes and session keys against an exchange captured with {@code ipmitool -I lanplus -C 3
 * -vvvvv} (ipmitool 1.8.19) talking to OpenIPMI's ipmi_sim as admin / s3cret: the inputs are the
 * values that crossed the wire, the expected outputs are what both ipmitool and the BMC computed.
 */
class RakpTest {
  static final Rakp CAPTURED =
      new Rakp(
          AuthenticationAlgorithm.RAKP_HMAC_SHA1,
          0xa0a2a3a4,
          0x00000a86,
          Hex.bytes("8f 1a 0a ba 0c 40 e1 73 3a 47 ee 5c 13 df 97 01"),
          Hex.bytes("aa 75 43 a0 9c 3b 74 68 25 a7 31 f6 bd 0f 06 f3"),
          Hex.bytes("a1 23 45 67 89 ab cd ef a1 23 45 67 89 ab cd ef"),
          0x14,
          "admin".getBytes(StandardCharsets.US_ASCII));

  static final byte[] KUID = Rakp.userKey("s3cret".getBytes(StandardCharsets.US_ASCII));

  static final byte[] SIK =
      Hex.bytes("97 cd 0a 15 a9 75 3c 53 d4 88 5d 01 a4 0c 67 8c d5 ed de c5");

  @Test
  void rakp2AuthCodeMatchesTheBmcs() {
    assertThat(Hex.string(CAPTURED.rakp2AuthCode(KUID)))
        .isEqualTo("d381803277f7a2253af60906ae0df3c8ed63dbd4");
  }

  @Test
  void rakp3AuthCodeMatchesIpmitools() {
    assertThat(Hex.string(CAPTURED.rakp3AuthCode(KUID)))
        .isEqualTo("528349ff6a61570e8287ca008afd9b361a875acc");
  }

  @Test
  void sessionIntegrityKeyAndK1K2MatchIpmitools() {
    byte[] sik = CAPTURED.sessionIntegrityKey(KUID);
    assertThat(sik).isEqualTo(SIK);
    assertThat(Hex.string(CAPTURED.k1(sik))).isEqualTo("681d73456ba24b545f7cc43d670454a9bf7d2eb0");
    assertThat(Hex.string(CAPTURED.k2(sik))).isEqualTo("bd174966f9a96ce07347ed90503541b88d6e3d35");
  }

  @Test
  void rakp4IntegrityCheckValueMatchesTheBmcs() {
    assertThat(Hex.string(CAPTURED.rakp4Icv(SIK))).isEqualTo("fde6352d604d2ea45a0e7462");
  }

  @Test
  void aWrongPasswordGivesADifferentRakp2Code() {
    byte[] wrong = Rakp.userKey("s3cret!".getBytes(StandardCharsets.US_ASCII));
    assertThat(Hex.string(CAPTURED.rakp2AuthCode(wrong)))
        .isNotEqualTo("d381803277f7a2253af60906ae0df3c8ed63dbd4");
  }

  @Test
  void passwordsLongerThan20BytesAreRefused() {
    assertThatThrownBy(() -> Rakp.userKey(new byte[21]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("20 bytes");
  }

  @Test
  void sha256SuiteUses32ByteCodesAnd16ByteIcv() {
    Rakp sha256 =
        new Rakp(
            AuthenticationAlgorithm.RAKP_HMAC_SHA256,
            CAPTURED.consoleSessionId(),
            CAPTURED.bmcSessionId(),
            CAPTURED.consoleRandom(),
            CAPTURED.bmcRandom(),
            CAPTURED.bmcGuid(),
            CAPTURED.role(),
            CAPTURED.username());
    byte[] sik = sha256.sessionIntegrityKey(KUID);
    assertThat(sha256.rakp2AuthCode(KUID)).hasSize(32);
    assertThat(sik).hasSize(32);
    assertThat(sha256.rakp4Icv(sik)).hasSize(16);
    assertThat(sha256.k1(sik)).hasSize(32).isNotEqualTo(sha256.k2(sik));
  }

  @Test
  void rakpNoneProducesNoCodes() {
    Rakp none =
        new Rakp(
            AuthenticationAlgorithm.RAKP_NONE,
            1,
            2,
            new byte[16],
            new byte[16],
            new byte[16],
            0x14,
            new byte[0]);
    assertThat(none.rakp2AuthCode(KUID)).isEmpty();
    assertThat(none.rakp4Icv(new byte[0])).isEmpty();
  }
}
