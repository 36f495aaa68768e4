package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.power.ipmi.lan.AuthType;
import io.ecokube.power.ipmi.rmcp.Privilege;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpmiSettingsTest {
  static final SecretResolver SECRETS =
      SecretResolver.inMemory(Map.of("mem:pw", "hunter2", "mem:long", "123456789012345678901"));

  static DriverSettings settings(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "bmc-07.example");
    m.put("username", "admin");
    m.put("password", "mem:pw");
    m.putAll(overrides);
    return new DriverSettings("node-7", m, SECRETS);
  }

  static DriverSettingsException error(Map<String, String> overrides) {
    try {
      IpmiSettings.from(settings(overrides));
    } catch (DriverSettingsException e) {
      assertThat(e.node()).isEqualTo("node-7");
      return e;
    }
    throw new AssertionError("expected " + overrides + " to be refused");
  }

  @Test
  void defaultsAreSecureAndBounded() {
    IpmiSettings s = IpmiSettings.from(settings(Map.of()));
    assertThat(s.port()).isEqualTo(623);
    assertThat(s.cipherSuites()).containsExactly(17, 3);
    assertThat(s.allowCipherSuiteZero()).isFalse();
    assertThat(s.privilege()).isEqualTo(Privilege.OPERATOR);
    assertThat(s.minCommandInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.responseTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.retries()).isEqualTo(3);
    assertThat(s.endpoint()).isEqualTo("bmc-07.example:623");
  }

  @Test
  void everySettingIsRead() {
    IpmiSettings s =
        IpmiSettings.from(
            settings(
                Map.of(
                    "port", "6230",
                    "cipherSuites", "3, 17 2",
                    "privilege", "Administrator",
                    "minCommandInterval", "0",
                    "timeout", "PT2S",
                    "responseTimeout", "250ms",
                    "retries", "0",
                    "sessionIdleTimeout", "1m")));
    assertThat(s.port()).isEqualTo(6230);
    assertThat(s.cipherSuites()).containsExactly(3, 17, 2);
    assertThat(s.privilege()).isEqualTo(Privilege.ADMINISTRATOR);
    assertThat(s.minCommandInterval()).isZero();
    assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.responseTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.retries()).isZero();
    assertThat(s.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void cipherSuiteZeroNeedsAnExplicitOptIn() {
    DriverSettingsException e = error(Map.of("cipherSuites", "3,0"));
    assertThat(e.key()).isEqualTo("cipherSuites");
    assertThat(e.getMessage()).contains("CVE-2013-4782", "allowCipherSuiteZero=true");
    IpmiSettings s =
        IpmiSettings.from(settings(Map.of("cipherSuites", "3,0", "allowCipherSuiteZero", "true")));
    assertThat(s.cipherSuites()).containsExactly(3, 0);
  }

  @Test
  void badValuesNameTheSettingAndWhatIsAllowed() {
    assertThat(error(Map.of("cipherSuites", "17,x")).getMessage())
        .contains("'17,x'", "[0, 1, 2, 3, 15, 16, 17]");
    assertThat(error(Map.of("cipherSuites", "6")).getMessage()).contains("cipher suite 6");
    assertThat(error(Map.of("cipherSuites", "3,3")).key()).isEqualTo("cipherSuites");
    assertThat(error(Map.of("privilege", "root")).getMessage())
        .contains("'root'", "administrator", "operator", "user");
    assertThat(error(Map.of("port", "70000")).key()).isEqualTo("port");
    assertThat(error(Map.of("timeout", "soon")).key()).isEqualTo("timeout");
    assertThat(error(Map.of("retries", "-1")).key()).isEqualTo("retries");
    assertThat(error(Map.of("host", "bmc 07")).key()).isEqualTo("host");
    assertThat(error(Map.of("username", "a-user-name-of-17b")).key()).isEqualTo("username");
  }

  @Test
  void unknownKeysAreRefusedSoTyposShow() {
    DriverSettingsException e = error(Map.of("cipher_suites", "3"));
    assertThat(e.key()).isEqualTo("cipher_suites");
    assertThat(e.getMessage()).contains("cipherSuites");
  }

  @Test
  void passwordsAreReferencesAndNeverShown() {
    assertThat(error(Map.of("password", "hunter2")).getMessage())
        .contains("file:", "env:")
        .doesNotContain("hunter2");
    DriverSettingsException tooLong = error(Map.of("password", "mem:long"));
    assertThat(tooLong.key()).isEqualTo("password");
    assertThat(tooLong.getMessage()).contains("mem:long", "20 bytes").doesNotContain("12345");
    IpmiSettings s = IpmiSettings.from(settings(Map.of()));
    assertThat(s.toString()).doesNotContain("hunter2");
    assertThat(s.sessionConfig(() -> {}).toString()).doesNotContain("hunter2");
  }

  @Test
  void requiredSettingsAreNamed() {
    Map<String, String> m = new HashMap<>();
    m.put("host", "bmc");
    m.put("password", "mem:pw");
    DriverSettingsException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DriverSettingsException.class,
            () -> IpmiSettings.from(new DriverSettings("node-7", m, SECRETS)));
    assertThat(e.key()).isEqualTo("username");
  }

  @Test
  void theBuilderValidatesToo() {
    IpmiSettings.Builder b =
        IpmiSettings.builder("bmc", "admin", io.ecokube.api.secret.Secret.of("pw", "test"));
    assertThat(b.cipherSuites(List.of(3)).build().cipherSuites()).containsExactly(3);
    assertThatThrownBy(() -> b.cipherSuites(List.of(0)).build())
        .hasMessageContaining("allowCipherSuiteZero");
    assertThatThrownBy(() -> b.cipherSuites(List.of(3)).timeout(Duration.ZERO).build())
        .hasMessageContaining("timeout");
  }

  @Test
  void lanplusIsTheDefaultAndLanUsesMd5() {
    IpmiSettings s = IpmiSettings.from(settings(Map.of()));
    assertThat(s.protocol()).isEqualTo(IpmiSettings.Protocol.LANPLUS);
    assertThat(s.lanAuthType()).isEqualTo(AuthType.MD5);
    assertThat(s.allowStraightPassword()).isFalse();
    assertThat(s.allowAuthTypeNone()).isFalse();
    IpmiSettings lan = IpmiSettings.from(settings(Map.of("protocol", "lan")));
    assertThat(lan.protocol()).isEqualTo(IpmiSettings.Protocol.LAN);
    assertThat(lan.lanAuthType()).isEqualTo(AuthType.MD5);
  }

  @Test
  void weakLanAuthTypesNeedExplicitConsent() {
    DriverSettingsException none = error(Map.of("protocol", "lan", "lanAuthType", "none"));
    assertThat(none.key()).isEqualTo("lanAuthType");
    assertThat(none.getMessage()).contains("allowAuthTypeNone");
    DriverSettingsException straight = error(Map.of("protocol", "lan", "lanAuthType", "straight"));
    assertThat(straight.key()).isEqualTo("lanAuthType");
    assertThat(straight.getMessage()).contains("clear text", "allowStraightPassword");
    assertThat(
            IpmiSettings.from(
                    settings(
                        Map.of(
                            "protocol", "lan",
                            "lanAuthType", "straight",
                            "allowStraightPassword", "true")))
                .lanAuthType())
        .isEqualTo(AuthType.STRAIGHT);
    assertThat(error(Map.of("protocol", "rmcp")).key()).isEqualTo("protocol");
    assertThat(error(Map.of("lanAuthType", "sha1")).key()).isEqualTo("lanAuthType");
  }

  @Test
  void lanPasswordsAreAtMost16Bytes() {
    SecretResolver secrets = SecretResolver.inMemory(Map.of("mem:17", "12345678901234567"));
    Map<String, String> m = new HashMap<>();
    m.put("host", "bmc-07.example");
    m.put("username", "admin");
    m.put("password", "mem:17");
    assertThat(IpmiSettings.from(new DriverSettings("node-7", m, secrets)).protocol())
        .isEqualTo(IpmiSettings.Protocol.LANPLUS);
    m.put("protocol", "lan");
    assertThatThrownBy(() -> IpmiSettings.from(new DriverSettings("node-7", m, secrets)))
        .isInstanceOfSatisfying(
            DriverSettingsException.class,
            e -> {
              assertThat(e.key()).isEqualTo("password");
              assertThat(e.getMessage()).contains("16 bytes").doesNotContain("12345678901234567");
            });
  }
}
