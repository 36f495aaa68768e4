package io.ecokube.api.plan;

import io.ecokube.api.state.NodeTransition;

/**
 * Receives what the engine decides and what comes of it: for logs, metrics, Kubernetes Events,
 * audit. Called on the engine's threads: implementations must be quick and must not throw (an
 * exception is logged and ignored).
 */
public interface EngineListener {

  /** A reconcile step produced a plan (also called for empty plans with held-back items). */
  default void onPlan(Plan plan) {}

  /** An action finished. */
  default void onOutcome(ActionOutcome outcome) {}

  /** A node changed lifecycle state. */
  default void onTransition(NodeTransition transition) {}
}
