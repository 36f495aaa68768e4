package io.ecokube.sim.cluster;

import io.ecokube.api.cluster.PodInfo;
import java.time.Instant;

/**
 * Hears when pods of an {@link InMemoryCluster} start and stop running, so a simulator can start
 * and interrupt the work they carry. Called after the cluster's lock is released, on the thread
 * that changed the cluster.
 */
public interface PodListener {
  /** A pod was bound to a node and runs from {@code at}. */
  default void podStarted(PodInfo pod, Instant at) {}

  /**
   * A running pod stopped without finishing: evicted by a drain, deleted by a scale-down, or lost
   * with its node. It may come back as a new pending pod (workload pods are recreated).
   */
  default void podStopped(PodInfo pod, Instant at, String reason) {}
}
