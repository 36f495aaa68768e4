package io.ecokube.power.wol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MacAddressTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aa:bb:cc:0d:ee:ff",
        "AA:BB:CC:0D:EE:FF",
        "aa-bb-cc-0d-ee-ff",
        "aabb.cc0d.eeff",
        "aabbcc0deeff",
        "  aa:bb:cc:0d:ee:ff "
      })
  void acceptsTheUsualSpellings(String text) {
    MacAddress mac = MacAddress.parse(text).orElseThrow();
    assertThat(mac.bytes()).containsExactly(0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff);
    assertThat(mac).hasToString("aa:bb:cc:0d:ee:ff");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "aa:bb:cc:dd:ee",
        "aa:bb:cc:dd:ee:ff:00",
        "a:bb:cc:dd:ee:ff",
        "aa:bb-cc:dd:ee:ff",
        "gg:bb:cc:dd:ee:ff",
        "aabb.ccdd.eef",
        "aabbccddeef",
        "aabbccddeeff0",
        "aa bb cc dd ee ff",
        "aa:bb:cc:dd:ee:ff\n00"
      })
  void rejectsEverythingElse(String text) {
    assertThat(MacAddress.parse(text)).isEmpty();
  }

  @Test
  void keepsAllSixBytesIncludingHighBit() {
    MacAddress mac = MacAddress.parse("ff:00:00:00:00:01").orElseThrow();
    assertThat(mac.value()).isEqualTo(0xff0000000001L);
  }

  @Test
  void secureOnPasswordAcceptsSixAndFourBytesAndHidesItself() {
    assertThat(SecureOnPassword.parse("01:02:03:04:05:06").orElseThrow().bytes())
        .containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(SecureOnPassword.parse("192.168.1.10").orElseThrow().bytes())
        .containsExactly(192, 168, 1, 10);
    assertThat(SecureOnPassword.parse("c0a8010a").orElseThrow().bytes())
        .containsExactly(192, 168, 1, 10);
    assertThat(SecureOnPassword.parse("256.1.1.1")).isEmpty();
    assertThat(SecureOnPassword.parse("01:02:03")).isEmpty();
    assertThat(SecureOnPassword.parse("c0a8010a").orElseThrow().toString())
        .doesNotContain("c0")
        .contains("4 bytes");
  }
}
