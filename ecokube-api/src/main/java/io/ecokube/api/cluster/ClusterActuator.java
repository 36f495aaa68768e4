package io.ecokube.api.cluster;

import java.time.Duration;

/**
 * Changes the cluster around a power action: keep pods off a node before it goes down, move its
 * pods away, and let pods back when it is up. Implemented by the Kubernetes adapter and the
 * in-memory cluster. Every call is bounded; none blocks forever.
 */
public interface ClusterActuator {

  /** Keeps new pods off the node (Kubernetes: {@code spec.unschedulable=true}). Idempotent. */
  void cordon(String node) throws ActuatorException;

  /** Lets pods onto the node again. Idempotent. */
  void uncordon(String node) throws ActuatorException;

  /**
   * Evicts the node's workload pods (DaemonSet and mirror pods stay), honouring disruption budgets,
   * for at most {@code timeout}. The node should be cordoned first.
   */
  DrainResult drain(String node, Duration timeout) throws ActuatorException;

  /**
   * Marks the node as powered off by Eco-Kube, or clears the mark: in Kubernetes a taint that keeps
   * pods and other autoscalers off a node that is NotReady on purpose. Idempotent.
   */
  void markPoweredOff(String node, boolean poweredOff) throws ActuatorException;
}
