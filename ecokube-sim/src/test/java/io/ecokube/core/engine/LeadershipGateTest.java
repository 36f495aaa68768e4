package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedMachine;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Every side effect of the engine (drivers, the state store, the actuator) goes through one
 * leadership gate: a replica that loses the Lease while a driver call is running issues nothing
 * after that call.
 */
class LeadershipGateTest {
  private static final Duration STEP = Duration.ofSeconds(10);

  /** Graceful power-off that hangs on while the Lease is lost, then fails. */
  private static final class LosingLeaseDriver implements PowerDriver {
    private final SimulatedPowerDriver real;
    private final AtomicBoolean leader;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    LosingLeaseDriver(SimulatedMachine m, AtomicBoolean leader) {
      this.real = new SimulatedPowerDriver(m);
      this.leader = leader;
    }

    @Override
    public String name() {
      return "bmc";
    }

    @Override
    public Set<PowerCapability> capabilities() {
      return EnumSet.of(
          PowerCapability.POWER_ON,
          PowerCapability.READ_STATE,
          PowerCapability.POWER_OFF_GRACEFUL,
          PowerCapability.POWER_OFF_FORCED);
    }

    @Override
    public void powerOn() throws PowerException {
      calls.add("on");
      real.powerOn();
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      calls.add("off " + mode);
      if (mode == PowerOffMode.GRACEFUL) {
        // The renew fails while the BMC is slow to answer: the Lease is gone when it does.
        leader.set(false);
        throw new PowerException(
            PowerException.Kind.TIMEOUT, "worker-2", "bmc", "graceful shutdown did not finish");
      }
      real.powerOff(mode);
    }

    @Override
    public PowerState readState() throws PowerException {
      return real.readState();
    }
  }

  @Test
  void leaseLostDuringADriverCallStopsEveryLaterSideEffect() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    AtomicBoolean leader = new AtomicBoolean(true);
    LosingLeaseDriver driver = new LosingLeaseDriver(h.worker2, leader);
    h.chains.put("worker-2", m -> List.of(driver));
    List<String> afterLoss = Collections.synchronizedList(new ArrayList<>());
    ClusterActuator actuator =
        new ForwardingActuator(h.cluster) {
          @Override
          public void uncordon(String node) throws ActuatorException {
            note("uncordon " + node);
            super.uncordon(node);
          }

          @Override
          public void cordon(String node) throws ActuatorException {
            note("cordon " + node);
            super.cordon(node);
          }

          @Override
          public DrainResult drain(String node, Duration timeout) throws ActuatorException {
            note("drain " + node);
            return super.drain(node, timeout);
          }

          @Override
          public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
            note("mark " + node + " " + poweredOff);
            super.markPoweredOff(node, poweredOff);
          }

          private void note(String call) {
            if (!leader.get()) {
              afterLoss.add(call);
            }
          }
        };
    NodeStateStore memory = NodeStateStore.inMemory();
    NodeStateStore store =
        new NodeStateStore() {
          @Override
          public Optional<NodeRecord> load(String node) {
            return memory.load(node);
          }

          @Override
          public void save(String node, NodeRecord record) {
            if (!leader.get()) {
              afterLoss.add("save " + node + " " + record.state());
            }
            memory.save(node, record);
          }
        };
    EnginePolicy policy =
        EnginePolicy.builder().minUptime(Duration.ZERO).attemptsPerDriver(1).build();
    try (EcoKubeEngine e = h.engine(policy, actuator).stateStore(store).gate(leader::get).build()) {
      for (int i = 0; i < 200 && leader.get(); i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(leader).isFalse();
      h.run(e, 60, STEP);
      assertThat(driver.calls).containsExactly("off GRACEFUL");
      assertThat(afterLoss).isEmpty();
      assertThat(h.worker2.state()).isEqualTo(PowerState.ON);
    }
  }
}
