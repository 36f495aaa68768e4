package io.ecokube.core.engine;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import java.time.Duration;

/** Forwards every call; tests override the one they want to change. */
class ForwardingActuator implements ClusterActuator {
  private final ClusterActuator delegate;

  ForwardingActuator(ClusterActuator delegate) {
    this.delegate = delegate;
  }

  @Override
  public void cordon(String node) throws ActuatorException {
    delegate.cordon(node);
  }

  @Override
  public void uncordon(String node) throws ActuatorException {
    delegate.uncordon(node);
  }

  @Override
  public DrainResult drain(String node, Duration timeout) throws ActuatorException {
    return delegate.drain(node, timeout);
  }

  @Override
  public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
    delegate.markPoweredOff(node, poweredOff);
  }
}
