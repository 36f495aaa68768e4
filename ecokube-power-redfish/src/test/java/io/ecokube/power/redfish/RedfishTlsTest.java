package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.tls.TlsContextBuilder;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate verification: on by default, a trust store, or explicitly off. */
class RedfishTlsTest {
  private final VirtualSleeper sleeper = new VirtualSleeper();
  private RedfishEmulator em;

  @BeforeEach
  void startEmulator() {
    em = RedfishEmulator.start(TestTls.get(), EmulatorTree.of(SystemSpec.standard("s1", "On")));
  }

  @AfterEach
  void stopEmulator() {
    em.close();
  }

  private RedfishSettings.Builder plain() {
    return RedfishSettings.builder(
        em.endpoint(), RedfishEmulator.USER, Secret.of(RedfishEmulator.PASSWORD, "env:PW"));
  }

  private PowerState read(RedfishSettings s) throws PowerException {
    try (RedfishDriver d = new RedfishDriver(NODE, s, sleeper.clock, sleeper)) {
      return d.readState();
    }
  }

  @Test
  void anUntrustedCertificateIsRejectedByDefault() {
    assertThatThrownBy(() -> read(plain().build()))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageContaining("TLS handshake failed")
        .hasMessageContaining("trustStore");
    assertThat(em.requests()).isEmpty();
  }

  @Test
  void aPemTrustStoreIsAccepted() throws Exception {
    assertThat(read(plain().trustStore(TestTls.get().pem()).build())).isEqualTo(PowerState.ON);
  }

  private static String fingerprint() throws Exception {
    try (var in = Files.newInputStream(TestTls.get().pem())) {
      return TlsContextBuilder.sha256(
          CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  @Test
  void thePinnedCertificateIsAcceptedAndAnyOtherRefused() throws Exception {
    RedfishSettings pinned =
        plain().trustStore(TestTls.get().pem()).tlsPins(List.of(fingerprint())).build();
    assertThat(read(pinned)).isEqualTo(PowerState.ON);

    String other = "ab".repeat(32);
    RedfishSettings wrong = plain().trustStore(TestTls.get().pem()).tlsPins(List.of(other)).build();
    assertThatThrownBy(() -> read(wrong))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
        .hasMessageContaining("TLS handshake failed")
        .hasMessageContaining(RedfishSettings.TLS_PIN_SHA256);
  }

  @Test
  void aBadPinSettingNamesTheKey() {
    DriverSettings ds =
        new DriverSettings(
            NODE,
            Map.of(
                RedfishSettings.ENDPOINT, em.endpoint().toString(),
                RedfishSettings.USERNAME, "admin",
                RedfishSettings.PASSWORD, "mem:pw",
                RedfishSettings.TLS_PIN_SHA256, "deadbeef"),
            SecretResolver.inMemory(Map.of("mem:pw", "pw")));
    assertThatThrownBy(() -> RedfishSettings.from(ds))
        .isInstanceOfSatisfying(
            DriverSettingsException.class,
            e -> assertThat(e.key()).isEqualTo(RedfishSettings.TLS_PIN_SHA256))
        .hasMessageContaining("'deadbeef' is not a SHA-256 fingerprint");
  }

  @Test
  void aPkcs12TrustStoreIsAccepted() throws Exception {
    RedfishSettings s =
        plain()
            .trustStore(TestTls.get().trustStore())
            .trustStorePassword(Secret.of(TestTls.STORE_PASSWORD, "env:TS_PW"))
            .build();
    assertThat(read(s)).isEqualTo(PowerState.ON);
  }

  @Test
  void aPkcs12TrustStoreWithTheWrongPasswordIsASettingsError() {
    RedfishSettings s =
        plain()
            .trustStore(TestTls.get().trustStore())
            .trustStorePassword(Secret.of("wrong-store-pw", "env:TS_PW"))
            .build();
    assertThatThrownBy(() -> new RedfishDriver(NODE, s, sleeper.clock, sleeper))
        .isInstanceOfSatisfying(
            DriverSettingsException.class, e -> assertThat(e.key()).isEqualTo("trustStore"))
        .hasMessageContaining(NODE)
        .hasMessageContaining("trustStorePassword")
        .message()
        .doesNotContain("wrong-store-pw");
  }

  @Test
  void aFileThatIsNoTrustStoreIsASettingsError(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
    RedfishSettings s = plain().trustStore(junk).build();
    assertThatThrownBy(() -> new RedfishDriver(NODE, s, sleeper.clock, sleeper))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("junk.pem");
  }

  @Test
  void verificationCanBeSwitchedOffExplicitly() throws Exception {
    assertThat(read(plain().verifyTls(false).build())).isEqualTo(PowerState.ON);
  }
}
