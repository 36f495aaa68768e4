package io.ecokube.core.decision;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import java.util.Optional;

/**
 * Identical pods of the demand, placed as one group with a count. The demand stage makes them; the
 * fit stage counts {@link #left} down as it places pods and marks deferred ones. One step only.
 */
final class PodGroup {
  final SchedulingRequirements req;
  final String what;
  final boolean forecast;
  final int priority;

  /** The owning workload, for desired and forecast demand and deferrable pending pods. */
  final Optional<WorkloadRef> owner;

  /** Waits for a lower-carbon hour instead of waking a node. */
  boolean deferred;

  /** Pods not placed yet. */
  int left;

  /** Per-node admission cache shared by groups of equal requirements: 0 unknown, 1 yes, 2 no. */
  byte[] admits;

  PodGroup(
      SchedulingRequirements req,
      String what,
      boolean forecast,
      int count,
      int priority,
      Optional<WorkloadRef> owner) {
    this.req = req;
    this.what = what;
    this.forecast = forecast;
    this.left = count;
    this.priority = priority;
    this.owner = owner;
  }

  /** Pods still to place that may wake a node. */
  int waiting() {
    return deferred ? 0 : left;
  }
}
