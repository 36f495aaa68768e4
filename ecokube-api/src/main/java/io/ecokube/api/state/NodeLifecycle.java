package io.ecokube.api.state;

/**
 * Where a node is in Eco-Kube's power lifecycle (DESIGN.md's state machine):
 *
 * <pre>
 * OFF --wake--&gt; BOOTING --Ready--&gt; ACTIVE
 * ACTIVE --idle long enough, guard allows--&gt; DRAINING --&gt; SHUTTING_DOWN --&gt; OFF
 * DRAINING --demand returns--&gt; ACTIVE      BOOTING --boot timeout, retries spent--&gt; FAILED
 * </pre>
 */
public enum NodeLifecycle {
  /** Not yet known: the engine reads the power state before acting. */
  UNKNOWN,
  /** Powered off by Eco-Kube (or found off). */
  OFF,
  /** Power-on requested, waiting for Ready. */
  BOOTING,
  /** On, Ready and schedulable. */
  ACTIVE,
  /** Cordoned, its pods being evicted, on its way off. */
  DRAINING,
  /** Power-off requested, waiting for the machine to be off. */
  SHUTTING_DOWN,
  /** Quarantined after failed actions: never planned on, re-probed with backoff. */
  FAILED;

  /** Whether a node in this state has (or soon has) capacity for pods. */
  public boolean providesCapacity() {
    return this == ACTIVE || this == BOOTING;
  }
}
