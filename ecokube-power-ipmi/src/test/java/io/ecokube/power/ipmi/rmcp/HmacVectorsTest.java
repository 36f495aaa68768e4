package io.ecokube.power.ipmi.rmcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The HMAC primitives against RFC 2202 (SHA-1) and RFC 4231 (SHA-256) test cases 1 and 2. */
class HmacVectorsTest {
  static final byte[] KEY_1 = filled(0x0b, 20);
  static final byte[] DATA_1 = "Hi There".getBytes(StandardCharsets.US_ASCII);
  static final byte[] KEY_2 = "Jefe".getBytes(StandardCharsets.US_ASCII);
  static final byte[] DATA_2 = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

  @Test
  void hmacSha1MatchesRfc2202() {
    AuthenticationAlgorithm a = AuthenticationAlgorithm.RAKP_HMAC_SHA1;
    assertThat(Hex.string(a.mac(KEY_1, DATA_1)))
        .isEqualTo("b617318655057264e28bc0b6fb378c8ef146be00");
    assertThat(Hex.string(a.mac(KEY_2, DATA_2)))
        .isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  }

  @Test
  void hmacSha256MatchesRfc4231() {
    AuthenticationAlgorithm a = AuthenticationAlgorithm.RAKP_HMAC_SHA256;
    assertThat(Hex.string(a.mac(KEY_1, DATA_1)))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(Hex.string(a.mac(KEY_2, DATA_2)))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void partsAreConcatenated() {
    AuthenticationAlgorithm a = AuthenticationAlgorithm.RAKP_HMAC_SHA256;
    assertThat(a.mac(KEY_2, Arrays.copyOf(DATA_2, 4), Arrays.copyOfRange(DATA_2, 4, DATA_2.length)))
        .isEqualTo(a.mac(KEY_2, DATA_2));
  }

  @Test
  void integrityCodesAreTruncatedHmacs() {
    byte[] sha1 = IntegrityAlgorithm.HMAC_SHA1_96.authCode(KEY_1, DATA_1, 0, DATA_1.length);
    byte[] sha256 = IntegrityAlgorithm.HMAC_SHA256_128.authCode(KEY_1, DATA_1, 0, DATA_1.length);
    assertThat(Hex.string(sha1)).isEqualTo("b617318655057264e28bc0b6");
    assertThat(Hex.string(sha256)).isEqualTo("b0344c61d8db38535ca8afceaf0bf12b");
  }

  private static byte[] filled(int v, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }
}
