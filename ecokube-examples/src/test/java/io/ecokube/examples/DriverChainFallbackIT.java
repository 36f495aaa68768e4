package io.ecokube.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.power.ForwardingPowerDriver;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.Job;
import io.ecokube.sim.SimulationReport;
import io.ecokube.sim.Simulator;
import io.ecokube.test.virtualnode.VirtualNode;
import io.ecokube.test.virtualnode.VirtualTimeScheduler;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Driver fallback chains with real drivers against a virtual machine: a Wake-on-LAN driver whose
 * packets never reach the machine gives way to the next driver after the boot timeout, and an SSH
 * power-off that fails gives way to the next one.
 */
class DriverChainFallbackIT {
  private static final String NODE = "metal-1";
  private static final String PASSWORD_REF = "mem:metal-1";
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final VirtualTimeScheduler scheduler = new VirtualTimeScheduler(clock);
  private final AtomicInteger packetsSent = new AtomicInteger();
  private final List<ActionOutcome> outcomes = new CopyOnWriteArrayList<>();
  private VirtualNode node;
  private DriverRegistry registry;

  @AfterEach
  void stop() {
    if (registry != null) {
      registry.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void wakeAndPowerOffFallBackToTheNextDriverOfTheChain() throws Exception {
    node =
        VirtualNode.builder(NODE)
            .bootTime(PROFILE.bootTime())
            .shutdownTime(PROFILE.shutdownTime())
            .credentials("ecokube", "fallback-test-only")
            .scheduler(scheduler)
            .build()
            .start();
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, node.knownHostsLine());

    Map<String, String> deadWol = new LinkedHashMap<>(node.wolDriverSettings());
    deadWol.put("port", Integer.toString(unusedUdpPort())); // nobody listens: the wake is lost
    Map<String, String> brokenSsh = ssh(knownHosts);
    brokenSsh.put("command", "no-such-poweroff"); // the machine answers exit 127
    NodeSpec spec =
        NodeSpec.builder(NODE)
            .allocatable(new Resources(8000, 32L << 30, 0, 110))
            .power(PROFILE)
            .address(
                new PowerAddress(
                    List.of(
                        new DriverSpec("wol", deadWol),
                        new DriverSpec("wol", node.wolDriverSettings()),
                        new DriverSpec("ssh", brokenSsh),
                        new DriverSpec("ssh", ssh(knownHosts)))))
            .build();
    registry =
        DriverRegistry.builder()
            .loadServices()
            .secrets(SecretResolver.inMemory(Map.of(PASSWORD_REF, "fallback-test-only")))
            .clock(clock)
            .build();

    EnginePolicy policy =
        EnginePolicy.builder()
            .attemptsPerDriver(1)
            .bootTimeoutGrace(Duration.ofSeconds(30))
            .retryBackoff(Duration.ofSeconds(10))
            .minUptime(Duration.ZERO)
            .build();
    Simulator sim =
        Simulator.builder(clock)
            .node(spec, node::state)
            .drivers(n -> counted(registry.chainFor(n)))
            .beforeStep(this::letPacketsArrive)
            .beforeStep(scheduler::runDue)
            .policy(policy)
            .listener(
                new EngineListener() {
                  @Override
                  public void onOutcome(ActionOutcome o) {
                    outcomes.add(o);
                  }
                })
            .job(
                Job.batch(
                    "render-1",
                    clock.now().plus(Duration.ofMinutes(1)),
                    Duration.ofMinutes(5),
                    SchedulingRequirements.of(Resources.request(4000, 8L << 30, 0))))
            .build();
    SimulationReport report;
    try (sim) {
      report = sim.run(Duration.ofHours(2));
    }

    assertThat(report.jobsCompleted()).isEqualTo(1);
    List<NodeLifecycle> states = report.states(NODE);
    assertThat(states).contains(NodeLifecycle.BOOTING, NodeLifecycle.ACTIVE);
    assertThat(states.get(states.size() - 1)).isEqualTo(NodeLifecycle.OFF);
    assertThat(node.state()).isEqualTo(PowerState.OFF);

    List<ActionOutcome> wakes = of(ActionType.WAKE);
    // The first wake went out through the dead WoL address and never booted the machine; the
    // engine noticed at the boot timeout and the second WoL driver woke it.
    assertThat(wakes).hasSizeGreaterThanOrEqualTo(2);
    assertThat(node.magicPacketsReceived()).isEqualTo(packetsSent.get()).isPositive();
    List<ActionOutcome> offs = of(ActionType.POWER_OFF);
    assertThat(offs)
        .extracting(ActionOutcome::result)
        .containsSubsequence(ActionOutcome.Result.FAILED, ActionOutcome.Result.SUCCEEDED);
    assertThat(
            offs.stream()
                .filter(o -> o.result() == ActionOutcome.Result.FAILED)
                .findFirst()
                .orElseThrow()
                .detail())
        .contains("127");
  }

  private List<ActionOutcome> of(ActionType type) {
    return outcomes.stream().filter(o -> o.action().type() == type).toList();
  }

  private Map<String, String> ssh(Path knownHosts) {
    Map<String, String> m = new LinkedHashMap<>(node.sshDriverSettings(knownHosts, PASSWORD_REF));
    m.put("off-after-failed-probes", "1");
    return m;
  }

  /** Counts the packets the live WoL driver (second in the chain) sends, to wait for them. */
  private List<PowerDriver> counted(List<PowerDriver> chain) {
    List<PowerDriver> out = new java.util.ArrayList<>(chain);
    out.set(1, new CountingWake(chain.get(1)));
    return out;
  }

  /** Virtual time must not run ahead of packets still on their way over loopback. */
  private void letPacketsArrive() {
    if (node.magicPacketsReceived() >= packetsSent.get()) {
      return;
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> node.magicPacketsReceived() >= packetsSent.get());
  }

  private final class CountingWake extends ForwardingPowerDriver {
    CountingWake(PowerDriver delegate) {
      super(delegate);
    }

    @Override
    public void powerOn() throws PowerException {
      super.powerOn();
      packetsSent.addAndGet(3); // wolDriverSettings() sends three packets per wake
    }
  }

  private static int unusedUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
