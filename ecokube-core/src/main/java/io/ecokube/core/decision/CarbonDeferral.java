package io.ecokube.core.decision;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Carbon-aware deferral, part of the fit stage: marks the demand of deferrable workloads that would
 * need a wake, and that may wait for a lower-carbon hour, as deferred. The rule: let {@code latest}
 * be the workload's deadline (waiting since + maxDelay) less the longest boot time of the OFF
 * nodes; if some clock hour starting after now and no later than {@code latest} is forecast at
 * least {@code minReductionPercent} % below the current intensity, wait for the lowest such hour
 * (the earliest of equals). Past {@code latest} nothing is deferred, so the deadline holds.
 */
final class CarbonDeferral {

  private static final Duration HOUR = Duration.ofHours(1);

  private CarbonDeferral() {}

  /** Marks deferred groups and adds a held-back entry for each. */
  static void defer(DecisionInput in, NodeTable t, List<PodGroup> groups, List<HeldBack> held) {
    EnginePolicy policy = in.policy();
    Map<WorkloadRef, DeferralPolicy> deferrable = policy.carbon().deferrable();
    if (deferrable.isEmpty()) {
      return;
    }
    Instant now = in.now();
    Tariff tariff = in.tariff();
    double nowGrams = tariff.gramsCo2PerKwh(now);
    if (!(nowGrams > 0)) {
      return;
    }
    double threshold = policy.carbon().minReductionPercent();
    double limit = nowGrams * (1 - threshold / 100);
    Duration boot = null;
    for (PodGroup g : groups) {
      if (g.left == 0 || g.owner.isEmpty()) {
        continue;
      }
      WorkloadRef owner = g.owner.get();
      DeferralPolicy d = deferrable.get(owner);
      Instant since = in.waitingSince().get(owner);
      if (d == null || since == null) {
        continue;
      }
      if (boot == null) {
        boot = longestBoot(t);
      }
      Instant deadline = since.plus(d.maxDelay());
      Instant latest = deadline.minus(boot);
      Instant best = null;
      double bestGrams = limit;
      for (Instant h = CostBudget.hourStart(now).plus(HOUR); !h.isAfter(latest); h = h.plus(HOUR)) {
        double grams = tariff.gramsCo2PerKwh(h);
        if (grams <= limit && (best == null || grams < bestGrams)) {
          best = h;
          bestGrams = grams;
        }
      }
      if (best == null) {
        continue;
      }
      g.deferred = true;
      held.add(
          new HeldBack(
              owner.toString(),
              ActionType.WAKE,
              String.format(
                  Locale.ROOT,
                  "carbon-aware deferral: %s wait for %s (%.0f g CO2/kWh, %.0f %% below the"
                      + " %.0f g CO2/kWh of now, threshold %.0f %%) instead of waking a node;"
                      + " deadline %s (waiting since %s + maxDelay %d s), latest wake %s for a"
                      + " %d s boot",
                  g.what,
                  best,
                  bestGrams,
                  100 * (1 - bestGrams / nowGrams),
                  nowGrams,
                  threshold,
                  deadline,
                  since,
                  d.maxDelay().toSeconds(),
                  latest,
                  boot.toSeconds())));
    }
  }

  /** The longest boot time among nodes that could be woken, so a deferral suits any of them. */
  private static Duration longestBoot(NodeTable t) {
    Duration max = Duration.ZERO;
    for (int i = 0; i < t.n; i++) {
      if (t.state[i] == NodeLifecycle.OFF && t.nodes[i].spec().address().managed()) {
        Duration b = t.nodes[i].spec().power().bootTime();
        max = b.compareTo(max) > 0 ? b : max;
      }
    }
    return max;
  }
}
