package io.ecokube.power.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.power.redfish.emulator.EmulatorTree;
import io.ecokube.power.redfish.emulator.EmulatorTree.SystemSpec;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ServiceLoader entry point and validation of string settings. */
class RedfishDriverProviderTest {
  private static final String NODE = "rack3-n2";
  private static final String PASSWORD = "pw-in-a-file-42";

  private static PowerDriverProvider provider() {
    return ServiceLoader.load(PowerDriverProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("redfish"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no 'redfish' PowerDriverProvider registered"));
  }

  private static Map<String, String> valid() {
    Map<String, String> m = new HashMap<>();
    m.put("endpoint", "https://127.0.0.1:1");
    m.put("username", "admin");
    m.put("password", "mem:bmc");
    return m;
  }

  private static DriverSettings settings(Map<String, String> values) {
    return new DriverSettings(NODE, values, SecretResolver.inMemory(Map.of("mem:bmc", PASSWORD)));
  }

  private static DriverSettingsException settingsError(Map<String, String> values) {
    try {
      RedfishSettings.from(settings(values));
    } catch (DriverSettingsException e) {
      return e;
    }
    throw new AssertionError("settings " + values + " were accepted");
  }

  @Test
  void theProviderIsFoundByNameAndDrivesAnEmulatedBmc(@TempDir Path dir) throws Exception {
    Path pw = Files.writeString(dir.resolve("bmc-pass"), RedfishEmulator.PASSWORD + "\n");
    try (RedfishEmulator em =
        RedfishEmulator.start(TestTls.get(), EmulatorTree.of(SystemSpec.standard("s", "Off")))) {
      Map<String, String> m = new HashMap<>();
      m.put("endpoint", em.endpoint().toString());
      m.put("username", RedfishEmulator.USER);
      m.put("password", "file:" + pw);
      m.put("trustStore", TestTls.get().pem().toString());
      DriverSettings ds = new DriverSettings(NODE, m, SecretResolver.standard());
      try (PowerDriver d = provider().create(new DriverContext(NODE, ds, new ManualClock()))) {
        assertThat(d.name()).isEqualTo("redfish");
        assertThat(d.readState()).isEqualTo(PowerState.OFF);
        d.powerOn();
        assertThat(d.readState()).isEqualTo(PowerState.ON);
      }
    }
  }

  @Test
  void creatingADriverTouchesNoNetwork() {
    // Port 1 on loopback has no listener: creation must still succeed.
    try (PowerDriver d =
        provider().create(new DriverContext(NODE, settings(valid()), new ManualClock()))) {
      assertThat(d.toString()).contains(NODE).doesNotContain(PASSWORD);
    }
  }

  @Test
  void readsEverySettingWithDefaults() {
    Map<String, String> m = valid();
    RedfishSettings d = RedfishSettings.from(settings(m));
    assertThat(d.authMode()).isEqualTo(AuthMode.AUTO);
    assertThat(d.verifyTls()).isTrue();
    assertThat(d.trustStore()).isEmpty();
    assertThat(d.maxRetries()).isEqualTo(5);
    assertThat(d.password().revealAsString()).isEqualTo(PASSWORD);
    m.put("system", "437XR1138R2");
    m.put("chassis", "1U");
    m.put("auth", "BASIC");
    m.put("tlsVerify", "false");
    m.put("requestTimeout", "3s");
    m.put("operationTimeout", "2m");
    m.put("retries", "2");
    m.put("retryBackoff", "250ms");
    m.put("retryBackoffMax", "4s");
    m.put("taskTimeout", "PT90S");
    m.put("taskPollInterval", "1s");
    RedfishSettings s = RedfishSettings.from(settings(m));
    assertThat(s.system()).contains("437XR1138R2");
    assertThat(s.chassis()).contains("1U");
    assertThat(s.authMode()).isEqualTo(AuthMode.BASIC);
    assertThat(s.verifyTls()).isFalse();
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.operationTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.maxRetries()).isEqualTo(2);
    assertThat(s.retryBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.taskTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.taskPollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.toString()).doesNotContain(PASSWORD);
  }

  @Test
  void badSettingsNameTheNodeTheKeyAndWhatIsAllowed() {
    Map<String, String> m = valid();
    m.remove("endpoint");
    assertThat(settingsError(m))
        .hasMessageContaining(NODE)
        .hasMessageContaining("'endpoint'")
        .hasMessageContaining("required");
    m = valid();
    m.put("endpoint", "http://10.0.0.5");
    assertThat(settingsError(m)).hasMessageContaining("must use https");
    m.put("endpoint", "https://root:calvin@10.0.0.5");
    assertThat(settingsError(m))
        .hasMessageContaining("must not contain credentials")
        .message()
        .doesNotContain("calvin");
    m.put("endpoint", "https://10.0.0.5/redfish/v1");
    assertThat(settingsError(m)).hasMessageContaining("base URL without a path");
    m = valid();
    m.put("auth", "kerberos");
    assertThat(settingsError(m))
        .satisfies(e -> assertThat(e.key()).isEqualTo("auth"))
        .hasMessageContaining("[auto, basic, session]");
    m = valid();
    m.put("retries", "99");
    assertThat(settingsError(m)).hasMessageContaining("0..20");
    m = valid();
    m.put("retryBackoff", "10s");
    m.put("retryBackoffMax", "1s");
    assertThat(settingsError(m)).satisfies(e -> assertThat(e.key()).isEqualTo("retryBackoffMax"));
    m = valid();
    m.put("trustStore", "/nonexistent/bmc-ca.pem");
    assertThat(settingsError(m))
        .hasMessageContaining("/nonexistent/bmc-ca.pem")
        .hasMessageContaining("PEM file or PKCS12");
    m = valid();
    m.put("tlsVerify", "maybe");
    assertThat(settingsError(m)).hasMessageContaining("true or false");
  }

  @Test
  void aPasswordWrittenInlineIsRefusedWithoutEchoingIt() {
    Map<String, String> m = valid();
    m.put("password", "hunter2hunter2");
    DriverSettingsException e = settingsError(m);
    assertThat(e.key()).isEqualTo("password");
    assertThat(e).hasMessageContaining("file:").message().doesNotContain("hunter2hunter2");
    m.put("password", "env:ECOKUBE_TEST_UNSET_VARIABLE_X");
    DriverSettings ds = new DriverSettings(NODE, m, SecretResolver.standard(name -> null));
    assertThatThrownBy(() -> RedfishSettings.from(ds))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("ECOKUBE_TEST_UNSET_VARIABLE_X");
  }
}
