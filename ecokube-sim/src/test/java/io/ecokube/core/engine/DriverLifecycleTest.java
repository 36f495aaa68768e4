package io.ecokube.core.engine;

import static io.ecokube.api.state.NodeLifecycle.ACTIVE;
import static io.ecokube.api.state.NodeLifecycle.OFF;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Drivers belong to the registry that built them: a change of a node's labels does not close them,
 * so power control keeps working; a closed driver fails fast.
 */
class DriverLifecycleTest {
  private static final Duration STEP = Duration.ofSeconds(10);

  /** Like the IPMI driver: it holds a session and refuses every call once closed. */
  private static final class SessionDriver implements PowerDriver {
    private final SimulatedPowerDriver real;
    private final AtomicBoolean closed = new AtomicBoolean();

    SessionDriver(SimulatedPowerDriver real) {
      this.real = real;
    }

    @Override
    public String name() {
      return "sim";
    }

    @Override
    public Set<PowerCapability> capabilities() {
      return real.capabilities();
    }

    @Override
    public void powerOn() throws PowerException {
      open();
      real.powerOn();
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      open();
      real.powerOff(mode);
    }

    @Override
    public PowerState readState() throws PowerException {
      open();
      return real.readState();
    }

    private void open() {
      if (closed.get()) {
        throw new IllegalStateException("driver is closed");
      }
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void aLabelChangeMidRunKeepsTheDriversAndPowerOffAndWakeStillWork() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    AtomicInteger built = new AtomicInteger();
    PowerDriverProvider sessions =
        new PowerDriverProvider() {
          @Override
          public String name() {
            return "sim";
          }

          @Override
          public PowerDriver create(DriverContext ctx) {
            built.incrementAndGet();
            return new SessionDriver(
                new SimulatedPowerDriver(h.cluster.machine(ctx.node()).orElseThrow()));
          }
        };
    AtomicInteger generation = new AtomicInteger();
    // The node's labels change on every step, as a label controller might do.
    ClusterView relabelling =
        () -> {
          ClusterSnapshot s = h.cluster.snapshot();
          int g = generation.incrementAndGet();
          List<ClusterNode> nodes =
              s.nodes().stream()
                  .map(
                      n -> {
                        if (!n.name().equals("worker-2")) {
                          return n;
                        }
                        NodeSpec spec = n.spec().toBuilder().label("generation", "g" + g).build();
                        return new ClusterNode(spec, n.ready(), n.cordoned());
                      })
                  .toList();
          return new ClusterSnapshot(s.takenAt(), nodes, s.pods());
        };
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (DriverRegistry registry = DriverRegistry.builder().register(sessions).build();
        EcoKubeEngine e =
            h.engine(policy).clusterView(relabelling).drivers(registry::chainFor).build()) {
      for (int i = 0;
          i < 200 && !e.record("worker-2").map(r -> r.state() == OFF).orElse(false);
          i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(h.worker2.state()).isEqualTo(PowerState.OFF);
      h.addGpuPod();
      for (int i = 0; i < 60 && e.record("worker-2").orElseThrow().state() != ACTIVE; i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      // One from the set-up, one from the engine.
      assertThat(h.worker2.powerOnRequests()).isEqualTo(2);
      assertThat(built).as("one driver for worker-2, built once").hasValue(1);
    }
  }

  @Test
  void aDriverOfAClosedRegistryFailsFastWithATypedError() throws Exception {
    EngineHarness h = new EngineHarness();
    DriverRegistry registry = DriverRegistry.builder().register(h.cluster.driverProvider()).build();
    NodeSpec spec =
        h.cluster.nodeSpecs().stream()
            .filter(n -> n.name().equals("worker-2"))
            .findFirst()
            .orElseThrow();
    PowerDriver d = registry.chainFor(spec).get(0);
    registry.close();
    assertThatThrownBy(d::powerOn)
        .isInstanceOf(PowerException.class)
        .hasMessageContaining("worker-2")
        .hasMessageContaining("closed");
    assertThatThrownBy(d::readState).isInstanceOf(PowerException.class);
  }
}
