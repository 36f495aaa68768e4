package io.ecokube.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.ManualClock;
import io.ecokube.test.virtualnode.PowerChange;
import io.ecokube.test.virtualnode.VirtualNode;
import io.ecokube.test.virtualnode.VirtualTimeScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A virtual node driven by the real wol and ssh drivers, over UDP and SSH on 127.0.0.1. */
class VirtualNodeIT {
  private static final String NODE = "worker-2";
  private static final String PASSWORD_REF = "mem:worker-2-ssh";
  private static final Duration AWAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final VirtualTimeScheduler virtualTime = new VirtualTimeScheduler(clock);
  private final List<PowerChange> changes = new CopyOnWriteArrayList<>();
  private VirtualNode node;

  @AfterEach
  void closeNode() {
    if (node != null) {
      node.close();
    }
  }

  private VirtualNode start(VirtualNode.Builder builder) throws Exception {
    node = builder.credentials("ecokube", "hunter2-virtual").build().start();
    node.addListener(changes::add);
    return node;
  }

  private static PowerDriver driver(String name, Map<String, String> values, Clock clock) {
    PowerDriverProvider provider =
        ServiceLoader.load(PowerDriverProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals(name))
            .findFirst()
            .orElseThrow();
    DriverSettings settings =
        new DriverSettings(
            NODE, values, SecretResolver.inMemory(Map.of(PASSWORD_REF, "hunter2-virtual")));
    return provider.create(new DriverContext(NODE, settings, clock));
  }

  private PowerDriver wol() {
    return driver("wol", node.wolDriverSettings(), clock);
  }

  private PowerDriver ssh() throws Exception {
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, node.knownHostsLine());
    return driver("ssh", node.sshDriverSettings(knownHosts, PASSWORD_REF), clock);
  }

  @Test
  void wakesOnAMagicPacketAndGoesDownOnTheSshCommandOnVirtualTime() throws Exception {
    start(
        VirtualNode.builder(NODE)
            .mac("02:00:00:00:00:02")
            .bootTime(Duration.ofSeconds(45))
            .shutdownTime(Duration.ofSeconds(10))
            .scheduler(virtualTime));
    Instant t0 = clock.now();
    try (PowerDriver wol = wol();
        PowerDriver ssh = ssh()) {
      assertThat(List.of(ssh.readState(), ssh.readState(), ssh.readState()))
          .containsExactly(PowerState.UNKNOWN, PowerState.UNKNOWN, PowerState.OFF);

      wol.powerOn();
      await().atMost(AWAIT).until(node::state, PowerState.BOOTING::equals);
      assertThat(node.bootRequestedAt()).contains(t0);
      await().atMost(AWAIT).until(node::magicPacketsReceived, n -> n == 3);
      // Repeated packets during the boot do not start a second one.
      assertThat(virtualTime.pending()).isEqualTo(1);

      virtualTime.advance(Duration.ofSeconds(44));
      assertThat(node.state()).isEqualTo(PowerState.BOOTING);
      assertThat(ssh.readState()).isEqualTo(PowerState.OFF);
      virtualTime.advance(Duration.ofSeconds(1));
      assertThat(node.state()).isEqualTo(PowerState.ON);
      assertThat(ssh.readState()).isEqualTo(PowerState.ON);

      ssh.powerOff(PowerOffMode.GRACEFUL);
      await().atMost(AWAIT).until(node::state, PowerState.SHUTTING_DOWN::equals);
      assertThat(ssh.readState()).isEqualTo(PowerState.SHUTTING_DOWN);
      virtualTime.advance(Duration.ofSeconds(10));
      assertThat(node.state()).isEqualTo(PowerState.OFF);
      assertThat(List.of(ssh.readState(), ssh.readState(), ssh.readState()))
          .containsExactly(PowerState.SHUTTING_DOWN, PowerState.SHUTTING_DOWN, PowerState.OFF);

      // A second cycle: the SSH port opens again on the same number.
      wol.powerOn();
      await().atMost(AWAIT).until(node::state, PowerState.BOOTING::equals);
      virtualTime.advance(Duration.ofSeconds(45));
      assertThat(ssh.readState()).isEqualTo(PowerState.ON);
    }
    assertThat(changes)
        .extracting(c -> c.from() + "->" + c.to())
        .containsExactly(
            "OFF->BOOTING",
            "BOOTING->ON",
            "ON->SHUTTING_DOWN",
            "SHUTTING_DOWN->OFF",
            "OFF->BOOTING",
            "BOOTING->ON");
    assertThat(changes.get(1).at()).isEqualTo(t0.plusSeconds(45));
    assertThat(changes.get(3).at()).isEqualTo(changes.get(2).at().plusSeconds(10));
  }

  @Test
  void bootsInRealTimeByDefaultAndIgnoresOtherMacs() throws Exception {
    start(VirtualNode.builder(NODE).mac("02:00:00:00:00:02").bootTime(Duration.ofMillis(200)));
    Map<String, String> otherMac = node.wolDriverSettings();
    otherMac.put("mac", "02:00:00:00:00:99");
    try (PowerDriver stranger = driver("wol", otherMac, clock);
        PowerDriver wol = wol()) {
      stranger.powerOn();
      wol.powerOn();
    }
    // One listener thread handles datagrams in order: once ours are counted, the others were seen.
    await().atMost(AWAIT).until(node::magicPacketsReceived, n -> n >= 3);
    assertThat(node.magicPacketsReceived()).isEqualTo(3);
    await().atMost(AWAIT).until(node::state, PowerState.ON::equals);
    try (PowerDriver ssh = ssh()) {
      assertThat(ssh.readState()).isEqualTo(PowerState.ON);
      ssh.powerOff(PowerOffMode.FORCED);
    }
    await().atMost(AWAIT).until(node::state, PowerState.OFF::equals);
  }

  @Test
  void forcedPowerOffSkipsTheShutdownTime() throws Exception {
    start(
        VirtualNode.builder(NODE)
            .initiallyOn(true)
            .shutdownTime(Duration.ofMinutes(5))
            .scheduler(virtualTime));
    try (PowerDriver ssh = ssh()) {
      ssh.powerOff(PowerOffMode.FORCED);
    }
    await().atMost(AWAIT).until(node::state, PowerState.SHUTTING_DOWN::equals);
    virtualTime.runDue();
    assertThat(node.state()).isEqualTo(PowerState.OFF);
  }

  @Test
  void aWrongPasswordIsRefusedAndTheNodeStaysOn() throws Exception {
    start(VirtualNode.builder(NODE).initiallyOn(true).scheduler(virtualTime));
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, node.knownHostsLine());
    Map<String, String> values = node.sshDriverSettings(knownHosts, "mem:wrong");
    PowerDriver ssh =
        new io.ecokube.power.ssh.SshPowerDriverProvider()
            .create(
                new DriverContext(
                    NODE,
                    new DriverSettings(
                        NODE, values, SecretResolver.inMemory(Map.of("mem:wrong", "guess"))),
                    clock));
    assertThatThrownBy(() -> ssh.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION))
        .hasMessageContaining("mem:wrong")
        .hasMessageNotContaining("guess");
    assertThat(node.state()).isEqualTo(PowerState.ON);
  }

  @Test
  void faultsLetTestsExerciseFallbacks() throws Exception {
    start(VirtualNode.builder(NODE).scheduler(virtualTime));
    node.setWakeOnLanEnabled(false);
    try (PowerDriver wol = wol()) {
      wol.powerOn();
    }
    await().atMost(AWAIT).until(node::magicPacketsReceived, n -> n == 3);
    assertThat(node.state()).isEqualTo(PowerState.OFF);
    assertThat(virtualTime.pending()).isZero();

    node.setWakeOnLanEnabled(true);
    try (PowerDriver wol = wol()) {
      wol.powerOn();
    }
    await().atMost(AWAIT).until(node::state, PowerState.BOOTING::equals);
    virtualTime.advance(Duration.ofSeconds(45));
    node.setPowerOffFails(true);
    try (PowerDriver ssh = ssh()) {
      assertThatThrownBy(() -> ssh.powerOff(PowerOffMode.GRACEFUL))
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessageContaining("exit status 1")
          .hasMessageContaining("Access denied");
    }
    assertThat(node.state()).isEqualTo(PowerState.ON);
  }

  @Test
  void unknownCommandsFailLikeAShellWould() throws Exception {
    start(VirtualNode.builder(NODE).initiallyOn(true).scheduler(virtualTime));
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, node.knownHostsLine());
    Map<String, String> values = node.sshDriverSettings(knownHosts, PASSWORD_REF);
    values.put("command", "sudo halt");
    try (PowerDriver ssh = driver("ssh", values, clock)) {
      assertThatThrownBy(() -> ssh.powerOff(PowerOffMode.GRACEFUL))
          .isInstanceOfSatisfying(
              PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.PROTOCOL))
          .hasMessageContaining("exit status 127");
    }
    assertThat(node.state()).isEqualTo(PowerState.ON);
  }
}
