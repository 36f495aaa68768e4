package io.ecokube.replay.policy;

import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * One policy of the comparison, mapped onto the engine: its {@link EnginePolicy}, how often the
 * engine reconciles, whether the nodes start on, and whether predictive pre-wake feeds the engine
 * expected demand.
 *
 * @param key the name on the command line ({@code eco-default})
 * @param title the name in tables and charts
 * @param summary one line on what it models
 * @param engine the engine policy
 * @param reconcileInterval how often the engine reconciles
 * @param startOn whether every node is on at the start (else every node is off)
 * @param predictive whether pre-wake adds forecast demand
 */
public record ReplayPolicy(
    String key,
    String title,
    String summary,
    EnginePolicy engine,
    Duration reconcileInterval,
    boolean startOn,
    boolean predictive) {
  /** Validates. */
  public ReplayPolicy {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(reconcileInterval, "reconcileInterval");
    if (reconcileInterval.isNegative() || reconcileInterval.isZero()) {
      throw new IllegalArgumentException(key + ": reconcile interval must be positive");
    }
  }
}
