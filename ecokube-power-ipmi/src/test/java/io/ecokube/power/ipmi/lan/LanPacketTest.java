package io.ecokube.power.ipmi.lan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.power.ipmi.rmcp.IpmiMessage;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * IPMI 1.5 packets and MD5 auth codes against an exchange captured with {@code ipmitool -I lan -A
 * MD5 -vvvv chassis power status} talking to ipmi_sim (user admin, password s3cret).
 */
class LanPacketTest {
  private static final byte[] PASSWORD = "s3cret".getBytes(StandardCharsets.US_ASCII);

  /** Activate Session (temporary session 5, sequence 0) as ipmitool sent it. */
  private static final String ACTIVATE_PACKET =
      "06 00 ff 07 02 00 00 00 00 05 00 00 00 43 06 52"
          + "ed c5 c0 dd d5 c9 d3 be eb 04 4c 23 7d 1d 20 18"
          + "c8 81 0c 3a 02 04 de 33 0c 7e 6b ed 95 01 1e bf"
          + "4f 15 8f 26 84 86 33 75 90 e9 89";

  /** The BMC's signed answer: session 82h, inbound sequence 77760b18h. */
  private static final String ACTIVATE_ANSWER =
      "06 00 ff 07 02 33 75 90 e9 05 00 00 00 65 46 f6"
          + "e7 6b f5 02 c1 ae 40 da 39 63 fa ca ca 12 81 1c"
          + "63 20 0c 3a 00 02 82 00 00 00 18 0b 76 77 04 02";

  /** Get Session Challenge, outside a session: auth type none, no auth code field. */
  private static final String CHALLENGE_PACKET =
      "06 00 ff 07 00 00 00 00 00 00 00 00 00 18 20 18"
          + "c8 81 08 39 02 61 64 6d 69 6e 00 00 00 00 00 00"
          + "00 00 00 00 00 33";

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
  }

  @Test
  void md5AuthCodeMatchesTheCapturedActivateSession() {
    byte[] message = LanPacket.decode(hex(ACTIVATE_PACKET), 59).orElseThrow().message();
    assertThat(HexFormat.of().formatHex(AuthType.MD5.authCode(PASSWORD, 5, message, 0)))
        .isEqualTo("430652edc5c0ddd5c9d3beeb044c237d");
  }

  @Test
  void activateSessionIsEncodedByteForByteAsIpmitoolSentIt() {
    byte[] challenge = hex("de330c7e6bed95011ebf4f158f268486");
    byte[] data = new byte[22];
    data[0] = 0x02;
    data[1] = 0x04;
    System.arraycopy(challenge, 0, data, 2, 16);
    System.arraycopy(hex("337590e9"), 0, data, 18, 4);
    byte[] message = IpmiMessage.request(0x06, 0x3A, 3, data);
    assertThat(LanPacket.encode(AuthType.MD5, 0, 5, message, PASSWORD))
        .isEqualTo(hex(ACTIVATE_PACKET));
  }

  @Test
  void unsignedPacketsHaveNoAuthCodeField() {
    byte[] user = new byte[17];
    user[0] = 0x02;
    System.arraycopy("admin".getBytes(StandardCharsets.US_ASCII), 0, user, 1, 5);
    byte[] message = IpmiMessage.request(0x06, 0x39, 2, user);
    assertThat(LanPacket.encode(AuthType.NONE, 0, 0, message, new byte[0]))
        .isEqualTo(hex(CHALLENGE_PACKET));
    LanPacket.Decoded d = LanPacket.decode(hex(CHALLENGE_PACKET), 38).orElseThrow();
    assertThat(d.authType()).isEqualTo(AuthType.NONE);
    assertThat(d.authCode()).isEmpty();
    assertThat(d.message()).isEqualTo(message);
  }

  @Test
  void theBmcsAnswerDecodesAndItsAuthCodeVerifies() {
    LanPacket.Decoded d = LanPacket.decode(hex(ACTIVATE_ANSWER), 48).orElseThrow();
    assertThat(d.authType()).isEqualTo(AuthType.MD5);
    assertThat(d.sessionId()).isEqualTo(5);
    assertThat(d.sequence()).isEqualTo(0xe9907533);
    assertThat(d.authCode())
        .isEqualTo(AuthType.MD5.authCode(PASSWORD, d.sessionId(), d.message(), d.sequence()));
    IpmiMessage.Response r = IpmiMessage.decodeResponse(d.message()).orElseThrow();
    assertThat(r.command()).isEqualTo(0x3A);
    assertThat(r.completionCode()).isZero();
    assertThat(HexFormat.of().formatHex(r.data())).isEqualTo("0282000000180b767704");
  }

  @Test
  void aWrongPasswordGivesAnotherAuthCode() {
    LanPacket.Decoded d = LanPacket.decode(hex(ACTIVATE_ANSWER), 48).orElseThrow();
    byte[] wrong = "s3creT".getBytes(StandardCharsets.US_ASCII);
    assertThat(AuthType.MD5.authCode(wrong, d.sessionId(), d.message(), d.sequence()))
        .isNotEqualTo(d.authCode());
  }

  @Test
  void straightIsThePaddedPasswordAndMd2IsADifferentDigest() {
    byte[] m = {1, 2, 3};
    byte[] straight = AuthType.STRAIGHT.authCode(PASSWORD, 5, m, 9);
    assertThat(straight).hasSize(16).startsWith(PASSWORD);
    assertThat(new String(straight, 6, 10, StandardCharsets.US_ASCII)).isEqualTo("\0".repeat(10));
    assertThat(AuthType.MD2.authCode(PASSWORD, 5, m, 9))
        .hasSize(16)
        .isNotEqualTo(AuthType.MD5.authCode(PASSWORD, 5, m, 9));
    assertThatThrownBy(() -> AuthType.NONE.authCode(PASSWORD, 5, m, 9))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AuthType.MD5.authCode(new byte[17], 5, m, 9))
        .hasMessageContaining("16 bytes");
  }

  @Test
  void truncatedAndForeignPacketsAreIgnored() {
    byte[] answer = hex(ACTIVATE_ANSWER);
    assertThat(LanPacket.decode(answer, 30)).isEmpty();
    answer[4] = 0x06; // RMCP+ format
    assertThat(LanPacket.decode(answer, answer.length)).isEmpty();
    assertThat(LanPacket.decode(hex("06 00 ff 06 00 00 11 be 80 00 00 00"), 12)).isEmpty();
  }
}
