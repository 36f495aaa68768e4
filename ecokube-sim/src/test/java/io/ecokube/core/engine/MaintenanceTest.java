package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node whose wake keeps failing is not retried for ever: after N failed cycles it is held in
 * maintenance, which survives a restart and only an operator clears.
 */
class MaintenanceTest {
  /** A driver whose power-on is lost while the NIC is dead; its power reading is the machine's. */
  private static final class DeadNicDriver implements PowerDriver {
    private final SimulatedPowerDriver real;
    private final AtomicBoolean dead;
    private final AtomicInteger wakes;

    DeadNicDriver(SimulatedPowerDriver real, AtomicBoolean dead, AtomicInteger wakes) {
      this.real = real;
      this.dead = dead;
      this.wakes = wakes;
    }

    @Override
    public String name() {
      return "bmc";
    }

    @Override
    public Set<PowerCapability> capabilities() {
      return real.capabilities();
    }

    @Override
    public void powerOn() throws PowerException {
      wakes.incrementAndGet();
      if (!dead.get()) {
        real.powerOn();
      }
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      real.powerOff(mode);
    }

    @Override
    public PowerState readState() throws PowerException {
      return real.readState();
    }
  }

  private static final Duration STEP = Duration.ofSeconds(10);
  private static final EnginePolicy POLICY =
      EnginePolicy.builder()
          .attemptsPerDriver(1)
          .retryBackoff(Duration.ofSeconds(20))
          .maxRetryBackoff(Duration.ofSeconds(40))
          .bootTimeoutGrace(Duration.ofSeconds(10))
          .build();

  @Test
  void aNodeThatNeverBootsEntersMaintenanceUntilAnOperatorClearsIt() throws Exception {
    EngineHarness h = new EngineHarness();
    // The wake never takes (a dead NIC), and the BMC reads OFF: every probe released the node
    // from FAILED, and it was woken again, for ever.
    AtomicBoolean nicDead = new AtomicBoolean(true);
    AtomicInteger wakeCalls = new AtomicInteger();
    h.chains.put(
        "worker-2",
        m -> List.of(new DeadNicDriver(new SimulatedPowerDriver(m), nicDead, wakeCalls)));
    NodeStateStore store = NodeStateStore.inMemory();
    List<String> reported = Collections.synchronizedList(new ArrayList<>());
    Set<String> cleared = ConcurrentHashMap.newKeySet();
    try (EcoKubeEngine e =
        h.engine(POLICY)
            .stateStore(store)
            .maintenance(3, cleared::contains, (node, why) -> reported.add(node + ": " + why))
            .build()) {
      e.reconcileOnce();
      h.addGpuPod();
      h.run(e, 400, STEP);
      assertThat(reported).singleElement().asString().startsWith("worker-2: ").contains("3");
      int wakes = wakeCalls.get();
      assertThat(wakes).isBetween(3, 6);
      h.run(e, 200, STEP);
      assertThat(wakeCalls.get()).as("no wake while in maintenance").isEqualTo(wakes);
      assertThat(e.inMaintenance("worker-2")).isTrue();
    }
    // A restarted controller keeps the node in maintenance.
    try (EcoKubeEngine e =
        h.engine(POLICY)
            .stateStore(store)
            .maintenance(3, cleared::contains, (n, w) -> {})
            .build()) {
      int wakes = wakeCalls.get();
      h.run(e, 100, STEP);
      assertThat(e.inMaintenance("worker-2")).isTrue();
      assertThat(wakeCalls.get()).isEqualTo(wakes);
      // The operator fixed the machine and cleared the node.
      nicDead.set(false);
      cleared.add("worker-2");
      for (int i = 0;
          i < 100 && e.record("worker-2").orElseThrow().state() != NodeLifecycle.ACTIVE;
          i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(e.inMaintenance("worker-2")).isFalse();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(NodeLifecycle.ACTIVE);
    }
  }
}
