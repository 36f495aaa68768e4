package io.ecokube.power.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ssh driver against Debian's real OpenSSH server on 127.0.0.1. */
class SshPowerDriverOpenSshIT {
  private static final String NODE = "worker-2";
  private static final String PASSPHRASE = "correct horse battery";

  @TempDir static Path dir;
  private static OpenSshServer server;
  private static Path hostKey;
  private static Path knownHosts;
  private static final Map<String, Path> keys = new HashMap<>();
  private static Path stranger;

  @BeforeAll
  static void startSshd() throws Exception {
    for (String type : List.of("ed25519", "rsa", "ecdsa")) {
      keys.put(type, OpenSshServer.keygen(dir.resolve("id_" + type), type, ""));
    }
    keys.put(
        "ed25519-protected",
        OpenSshServer.keygen(dir.resolve("id_ed25519_protected"), "ed25519", PASSPHRASE));
    stranger = OpenSshServer.keygen(dir.resolve("id_stranger"), "ed25519", "");
    Files.writeString(dir.resolve("passphrase"), PASSPHRASE + "\n");
    Files.writeString(dir.resolve("wrong-passphrase"), "not it\n");
    hostKey = OpenSshServer.keygen(dir.resolve("host_ed25519"), "ed25519", "");
    server =
        OpenSshServer.start(
            dir, hostKey, keys.values().stream().map(k -> Path.of(k + ".pub")).toList());
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, server.knownHostsLine(hostKey));
  }

  @AfterAll
  static void stopSshd() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static Map<String, String> settings(int port, String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(port));
    m.put("user", System.getProperty("user.name"));
    m.put("private-key", keys.get("ed25519").toString());
    m.put("known-hosts", knownHosts.toString());
    m.put("connect-timeout", "10s");
    m.put("command-timeout", "20s");
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  private static Map<String, String> settings(String... more) {
    return settings(server.port(), more);
  }

  private static PowerDriver driver(Map<String, String> values, ManualClock clock) {
    return new SshPowerDriverProvider()
        .create(
            new DriverContext(
                NODE, new DriverSettings(NODE, values, SecretResolver.standard()), clock));
  }

  private static PowerDriver driver(Map<String, String> values) {
    return driver(values, new ManualClock());
  }

  private static Path marker(String name) {
    return dir.resolve("marker-" + name);
  }

  private static PowerException powerOffFails(PowerDriver driver, Kind kind) {
    try {
      driver.powerOff(PowerOffMode.GRACEFUL);
    } catch (PowerException e) {
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
      assertThat(e.getMessage()).contains(NODE).contains("127.0.0.1");
      return e;
    }
    return fail("power-off was expected to fail with " + kind);
  }

  @Test
  void gracefulAndForcedRunTheirOwnCommands() throws Exception {
    PowerDriverProvider provider =
        ServiceLoader.load(PowerDriverProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("ssh"))
            .findFirst()
            .orElseThrow();
    Map<String, String> values =
        settings(
            "command", "touch " + marker("graceful"),
            "forced-command", "touch " + marker("forced"));
    try (PowerDriver driver =
        provider.create(
            new DriverContext(
                NODE,
                new DriverSettings(NODE, values, SecretResolver.standard()),
                new ManualClock()))) {
      driver.powerOff(PowerOffMode.GRACEFUL);
      assertThat(marker("graceful")).exists();
      assertThat(marker("forced")).doesNotExist();
      driver.powerOff(PowerOffMode.FORCED);
      assertThat(marker("forced")).exists();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "rsa", "ecdsa", "ed25519-protected"})
  void authenticatesWithEachKeyType(String type) throws Exception {
    Map<String, String> values =
        settings("private-key", keys.get(type).toString(), "command", "touch " + marker(type));
    if (type.endsWith("protected")) {
      values.put("private-key-passphrase", "file:" + dir.resolve("passphrase"));
    }
    try (PowerDriver driver = driver(values)) {
      driver.powerOff(PowerOffMode.GRACEFUL);
    }
    assertThat(marker(type)).exists();
  }

  @Test
  void encryptedKeyNeedsTheRightPassphraseAtCreation() {
    Path key = keys.get("ed25519-protected");
    assertThatThrownBy(() -> driver(settings("private-key", key.toString())))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("private-key-passphrase")
        .hasMessageContaining("encrypted");
    assertThatThrownBy(
            () ->
                driver(
                    settings(
                        "private-key",
                        key.toString(),
                        "private-key-passphrase",
                        "file:" + dir.resolve("wrong-passphrase"))))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("does not decrypt")
        .hasMessageContaining("wrong-passphrase")
        .hasMessageNotContaining("not it");
  }

  @Test
  void aKeyTheServerDoesNotKnowIsAnAuthenticationFailure() {
    PowerDriver driver =
        driver(settings("private-key", stranger.toString(), "command", "touch " + marker("x")));
    PowerException e = powerOffFails(driver, Kind.AUTHENTICATION);
    assertThat(e.getMessage()).contains("authorized_keys").contains(stranger.toString());
    assertThat(marker("x")).doesNotExist();
  }

  @Test
  void anUnknownHostKeyIsRefusedWithTheFix() {
    Path missing = dir.resolve("no-such-known-hosts");
    PowerDriver driver =
        driver(settings("known-hosts", missing.toString(), "command", "touch " + marker("u")));
    PowerException e = powerOffFails(driver, Kind.CONFIGURATION);
    assertThat(e.getMessage())
        .contains("is not in " + missing)
        .contains("does not exist")
        .contains("ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + missing);
    assertThat(marker("u")).doesNotExist();
  }

  @Test
  void aChangedHostKeyIsRefusedWithTheFix() throws Exception {
    Path other = OpenSshServer.keygen(dir.resolve("other_host_key"), "ed25519", "");
    Path changed = dir.resolve("known_hosts_changed");
    Files.writeString(changed, server.knownHostsLine(other));
    PowerDriver driver =
        driver(settings("known-hosts", changed.toString(), "command", "touch " + marker("c")));
    PowerException e = powerOffFails(driver, Kind.AUTHENTICATION);
    assertThat(e.getMessage())
        .contains("does NOT match")
        .contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "'");
    assertThat(marker("c")).doesNotExist();
  }

  @Test
  void hostKeyCheckingCanBeSwitchedOffExplicitly() throws Exception {
    PowerDriver driver =
        driver(
            settings(
                "known-hosts",
                dir.resolve("none").toString(),
                "strict-host-key-checking",
                "false",
                "command",
                "touch " + marker("unchecked")));
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(marker("unchecked")).exists();
  }

  @Test
  void aNonZeroExitStatusFailsWithStderr() {
    PowerDriver driver = driver(settings("command", "echo 'disk on fire' >&2; exit 3"));
    PowerException e = powerOffFails(driver, Kind.PROTOCOL);
    assertThat(e.getMessage()).contains("exit status 3").contains("disk on fire");
  }

  @Test
  void aHangingCommandTimesOut() {
    PowerDriver driver = driver(settings("command", "sleep 10", "command-timeout", "1s"));
    PowerException e = powerOffFails(driver, Kind.TIMEOUT);
    assertThat(e.getMessage()).contains("did not finish within 1000ms").contains("sleep 10");
  }

  @Test
  void theConnectionDroppingDuringPowerOffCountsAsSuccess() throws Exception {
    // Like a real power-off: the command starts, then the node's sshd dies under it.
    PowerDriver driver =
        driver(settings("command", "touch " + marker("dropped") + "; kill -9 $PPID; sleep 10"));
    driver.powerOff(PowerOffMode.GRACEFUL);
    assertThat(marker("dropped")).exists();
  }

  @Test
  void sudoAskingForAPasswordIsAClearFailure() {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "needs root: the test runs sudo as 'nobody' through runuser");
    if (!Files.isExecutable(Path.of("/usr/bin/sudo"))) {
      fail("/usr/bin/sudo is missing: install Debian's sudo package (apt-get install -y sudo)");
    }
    // 'nobody' may not use sudo without a password (it has none), so real sudo asks for one.
    PowerDriver driver = driver(settings("command", "runuser -u nobody -- sudo /bin/true"));
    PowerException e = powerOffFails(driver, Kind.CONFIGURATION);
    assertThat(e.getMessage()).contains("sudo asked for a password").contains("NOPASSWD");
  }

  @Test
  void stateFollowsTheSshPort() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("state"));
    ManualClock clock = new ManualClock();
    OpenSshServer own =
        OpenSshServer.start(sub, hostKey, List.of(Path.of(keys.get("ed25519") + ".pub")));
    Path kh = sub.resolve("known_hosts");
    Files.writeString(kh, own.knownHostsLine(hostKey));
    try (PowerDriver driver =
        driver(
            settings(
                own.port(),
                "known-hosts",
                kh.toString(),
                "command",
                "true",
                "off-after-failed-probes",
                "2",
                "probe-timeout",
                "2s"),
            clock)) {
      assertThat(driver.readState()).isEqualTo(PowerState.ON);
      driver.powerOff(PowerOffMode.GRACEFUL);
      // sshd still answers right after the command: the node is going down, not on.
      assertThat(driver.readState()).isEqualTo(PowerState.SHUTTING_DOWN);
      own.close();
      assertThat(driver.readState()).isEqualTo(PowerState.SHUTTING_DOWN);
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
      clock.advance(Duration.ofMinutes(5));
      assertThat(driver.readState()).isEqualTo(PowerState.OFF);
    } finally {
      own.close();
    }
  }
}
