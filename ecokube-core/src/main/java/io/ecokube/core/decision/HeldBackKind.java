package io.ecokube.core.decision;

import io.ecokube.api.plan.HeldBack;
import java.util.Locale;

/**
 * What kind of limit held a decision back, read from the {@link HeldBack#reason()} text so a metric
 * can count held-back decisions by a small, fixed set of label values (the reason itself names
 * nodes and numbers and would make a label of unbounded cardinality).
 */
public enum HeldBackKind {
  /** The safety guard refused the action. */
  GUARD("guard"),
  /** A cluster or pool power cap. */
  POWER_CAP("power_cap"),
  /** A cost budget. */
  BUDGET("budget"),
  /** Waiting for a lower-carbon hour. */
  CARBON("carbon"),
  /** The wake or suspend rate limit. */
  RATE_LIMIT("rate_limit"),
  /** The per-node power-cycle limit. */
  CYCLE_LIMIT("cycle_limit"),
  /** A node's minimum uptime. */
  MIN_UPTIME("min_uptime"),
  /** A pool's warm reserve. */
  WARM_RESERVE("warm_reserve"),
  /** A failed action waiting for its retry. */
  RETRY_BACKOFF("retry_backoff"),
  /** Pending pods that no node that may be woken can hold. */
  NO_FIT("no_fit"),
  /** Anything else. */
  OTHER("other");

  private final String label;

  HeldBackKind(String label) {
    this.label = label;
  }

  /** The label value, in Prometheus' snake case. */
  public String label() {
    return label;
  }

  /**
   * Classifies a held-back decision by its reason. The guard's prefix is checked first because a
   * guard refusal may quote any other limit.
   */
  public static HeldBackKind of(HeldBack held) {
    String r = held.reason().toLowerCase(Locale.ROOT);
    if (r.startsWith("guard")) {
      return GUARD;
    }
    if (r.contains("rate limit")) {
      return RATE_LIMIT;
    }
    if (r.contains("cycle limit")) {
      return CYCLE_LIMIT;
    }
    if (r.contains("cap of") || r.contains("power cap")) {
      return POWER_CAP;
    }
    if (r.contains("budget")) {
      return BUDGET;
    }
    if (r.contains("carbon")) {
      return CARBON;
    }
    if (r.contains("minuptime") || r.contains("min uptime") || r.contains("minimum uptime")) {
      return MIN_UPTIME;
    }
    if (r.contains("warm reserve")) {
      return WARM_RESERVE;
    }
    if (r.contains("retry at")) {
      return RETRY_BACKOFF;
    }
    if (r.contains("fit on no node")) {
      return NO_FIT;
    }
    return OTHER;
  }
}
