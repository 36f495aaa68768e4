package io.ecokube.power.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings, failure classification and the state logic, against plain sockets on 127.0.0.1. */
class SshPowerDriverTest {
  private static final String NODE = "worker-2";
  private static final Map<String, String> SECRETS = Map.of("mem:pw", "s3cret-value");

  private static Map<String, String> base(int port, String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(port));
    m.put("user", "operator");
    m.put("password", "mem:pw");
    m.put("connect-timeout", "500ms");
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  private static SshPowerDriver create(Map<String, String> values, ManualClock clock) {
    return (SshPowerDriver)
        new SshPowerDriverProvider()
            .create(
                new DriverContext(
                    NODE,
                    new DriverSettings(NODE, values, SecretResolver.inMemory(SECRETS)),
                    clock));
  }

  private static SshPowerDriver create(Map<String, String> values) {
    return create(values, new ManualClock());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void declaresOffAndStateButNotOn() throws Exception {
    PowerDriver driver = create(base(22));
    assertThat(driver.name()).isEqualTo("ssh");
    assertThat(driver.capabilities())
        .containsExactlyInAnyOrder(
            PowerCapability.POWER_OFF_GRACEFUL,
            PowerCapability.POWER_OFF_FORCED,
            PowerCapability.READ_STATE);
    assertThatThrownBy(driver::powerOn)
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
  }

  @Test
  void settingsErrorsNameTheKeyAndNeverTheSecret() {
    Map<String, String> noAuth = base(22);
    noAuth.remove("password");
    assertThatThrownBy(() -> create(noAuth))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("worker-2")
        .hasMessageContaining("private-key");
    Map<String, String> noHost = base(22);
    noHost.remove("host");
    assertThatThrownBy(() -> create(noHost)).hasMessageContaining("'host'");
    assertThatThrownBy(() -> create(base(22, "port", "70000"))).hasMessageContaining("port");
    assertThatThrownBy(() -> create(base(22, "password", "s3cret-inline")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("password")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> create(base(22, "private-key", "/no/such/key")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("/no/such/key");
    assertThatThrownBy(() -> create(base(22, "strict-host-key-checking", "nope")))
        .hasMessageContaining("strict-host-key-checking");
    assertThatThrownBy(() -> create(base(22, "command-timeout", "2h")))
        .hasMessageContaining("command-timeout");
    assertThat(create(base(22)).toString()).doesNotContain("s3cret").contains("operator@127.0.0.1");
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    PowerDriver driver = create(base(closedPort()));
    assertThatThrownBy(() -> driver.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
        .hasMessageContaining("sshd listens");
  }

  @Test
  void aServerThatNeverGreetsTimesOut() throws Exception {
    // The kernel completes the TCP handshake from the backlog; nothing ever sends an SSH banner.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      PowerDriver driver = create(base(silent.getLocalPort()));
      assertThatThrownBy(() -> driver.powerOff(PowerOffMode.GRACEFUL))
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
          .hasMessageContaining("500ms");
    }
  }

  @Test
  void stateIsOnWhileThePortAnswersAndOffAfterEnoughFailedProbes() throws Exception {
    int port;
    SshPowerDriver driver;
    try (ServerSocket listening = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      port = listening.getLocalPort();
      driver = create(base(port, "off-after-failed-probes", "3"));
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
    }
    assertThat(driver.readState()).isEqualTo(PowerState.UNKNOWN);
    assertThat(driver.readState()).isEqualTo(PowerState.UNKNOWN);
    assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    assertThat(driver.readState()).isEqualTo(PowerState.OFF);
  }

  @Test
  void afterAPowerOffAnAnsweringPortMeansShuttingDownUntilTheGraceEnds() {
    ManualClock clock = new ManualClock();
    SshPowerDriver driver = create(base(22, "shutdown-grace", "60s"), clock);
    assertThat(driver.afterProbe(true)).isEqualTo(PowerState.ON);
    // What powerOff records once the command was accepted.
    driver.markPowerOffRequested();
    assertThat(driver.afterProbe(true)).isEqualTo(PowerState.SHUTTING_DOWN);
    assertThat(driver.afterProbe(false)).isEqualTo(PowerState.SHUTTING_DOWN);
    clock.advance(Duration.ofSeconds(61));
    // The node still answers a minute later: the power-off did not take; it is on.
    assertThat(driver.afterProbe(true)).isEqualTo(PowerState.ON);
    assertThat(driver.afterProbe(false)).isEqualTo(PowerState.UNKNOWN);
  }
}
