package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A woken node is let back in only once its powered-off mark is gone: a failed PATCH clearing the
 * mark is retried on later steps instead of leaving the node tainted with its pod pending.
 */
class PoweredOffMarkTest {
  private static final Duration STEP = Duration.ofSeconds(10);

  @Test
  void failedClearsOfTheMarkAreRetriedUntilTheNodeIsBackInService() throws Exception {
    EngineHarness h = new EngineHarness();
    // worker-2 was powered off by an earlier run: off, cordoned and marked.
    h.cluster.cordon("worker-2");
    h.cluster.markPoweredOff("worker-2", true);
    AtomicInteger clears = new AtomicInteger();
    ClusterActuator flaky =
        new ForwardingActuator(h.cluster) {
          @Override
          public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
            if (!poweredOff && clears.incrementAndGet() <= 3) {
              throw new ActuatorException("clear the mark of " + node + " failed: HTTP 500");
            }
            super.markPoweredOff(node, poweredOff);
          }
        };
    try (EcoKubeEngine e = h.engine(EnginePolicy.defaults(), flaky).build()) {
      h.run(e, 2, STEP);
      h.addGpuPod();
      for (int i = 0;
          i < 60
              && !(e.record("worker-2").orElseThrow().state() == NodeLifecycle.ACTIVE
                  && !h.cluster.markedPoweredOff("worker-2"));
          i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(clears.get()).isGreaterThan(3);
      assertThat(h.cluster.markedPoweredOff("worker-2")).isFalse();
      assertThat(h.cluster.cordoned("worker-2")).isFalse();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(NodeLifecycle.ACTIVE);
    }
  }
}
