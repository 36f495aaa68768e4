package io.ecokube.core.engine;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.power.ForwardingPowerDriver;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gate every side effect of the engine passes: driver power calls, state-store writes and
 * actuator calls. It asks right before each call, so a replica that lost its Lease in the middle of
 * a step (even during a driver call) issues nothing after that. Reads (power state, stored records)
 * pass.
 */
final class SideEffectGate {
  private static final Logger LOG = LoggerFactory.getLogger(SideEffectGate.class);

  private final BooleanSupplier open;

  SideEffectGate(BooleanSupplier open) {
    this.open = open;
  }

  boolean isOpen() {
    return open.getAsBoolean();
  }

  private String refusal(String what) {
    return "this replica may not act now (not the leader); refusing to " + what;
  }

  ClusterActuator actuator(ClusterActuator d) {
    return new ClusterActuator() {
      @Override
      public void cordon(String node) throws ActuatorException {
        check("cordon " + node);
        d.cordon(node);
      }

      @Override
      public void uncordon(String node) throws ActuatorException {
        check("uncordon " + node);
        d.uncordon(node);
      }

      @Override
      public DrainResult drain(String node, Duration timeout) throws ActuatorException {
        check("drain " + node);
        return d.drain(node, timeout);
      }

      @Override
      public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
        check((poweredOff ? "mark " : "clear the mark of ") + node);
        d.markPoweredOff(node, poweredOff);
      }

      private void check(String what) throws ActuatorException {
        if (!isOpen()) {
          throw new ActuatorException(refusal(what));
        }
      }
    };
  }

  NodeStateStore store(NodeStateStore d) {
    return new NodeStateStore() {
      @Override
      public Optional<NodeRecord> load(String node) {
        return d.load(node);
      }

      @Override
      public void save(String node, NodeRecord record) {
        if (!isOpen()) {
          LOG.debug(refusal("save the state of node {}"), node);
          return;
        }
        d.save(node, record);
      }
    };
  }

  List<PowerDriver> drivers(String node, List<PowerDriver> chain) {
    return chain.stream().map(d -> driver(node, d)).toList();
  }

  /** Not closeable through the gate: the driver belongs to whoever created it. */
  private PowerDriver driver(String node, PowerDriver d) {
    return new ForwardingPowerDriver(d) {
      @Override
      public void powerOn() throws PowerException {
        check("power on");
        super.powerOn();
      }

      @Override
      public void powerOff(PowerOffMode mode) throws PowerException {
        check("power off");
        super.powerOff(mode);
      }

      @Override
      public void close() {}

      private void check(String what) throws PowerException {
        if (!isOpen()) {
          throw new PowerException(
              PowerException.Kind.UNSUPPORTED, node, d.name(), refusal(what + " " + node));
        }
      }
    };
  }
}
