package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The powered-off mark is a precondition of the driver's power-off, never a best effort. */
class PowerOffSafetyTest {
  private static final Duration STEP = Duration.ofSeconds(10);

  @Test
  void aRefusedMarkAbortsThePowerOffAndTheNodeIsGivenBack() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    AtomicInteger driverCalls = new AtomicInteger();
    h.chains.put(
        "worker-2",
        m -> List.of(new CountingDriver("sim", new SimulatedPowerDriver(m), driverCalls)));
    AtomicInteger refusals = new AtomicInteger();
    // What the Kubernetes actuator's last look does: a pod was bound after the engine's snapshot,
    // so the mark is refused.
    ClusterActuator lastLook =
        new ForwardingActuator(h.cluster) {
          @Override
          public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
            if (poweredOff && refusals.getAndIncrement() == 0) {
              h.cluster.addPod(PodInfo.running("video", "bound-late", node, EngineHarness.GPU_POD));
              throw new ActuatorException(
                  "power-off of node " + node + " refused: video/bound-late");
            }
            super.markPoweredOff(node, poweredOff);
          }
        };
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (EcoKubeEngine e = h.engine(policy, lastLook).build()) {
      for (int i = 0; i < 100 && refusals.get() == 0; i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(refusals).hasValue(1);
      assertThat(h.outcomes)
          .filteredOn(o -> o.action().type() == ActionType.POWER_OFF)
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.result()).isEqualTo(ActionOutcome.Result.FAILED);
                assertThat(o.detail()).contains("bound-late");
              });
      assertThat(driverCalls).as("the driver was never asked to power off").hasValue(0);
      assertThat(h.worker2.state()).isEqualTo(PowerState.ON);
      h.run(e, 6, STEP);
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(NodeLifecycle.ACTIVE);
      assertThat(h.cluster.cordoned("worker-2")).isFalse();
      assertThat(h.worker2.state()).isEqualTo(PowerState.ON);
      assertThat(driverCalls).hasValue(0);
    }
  }
}
