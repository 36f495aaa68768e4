package io.ecokube.core.decision;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.lifecycle.Lifecycle;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What may hold a wake back, for the fit stage: the wake rate limit, the per-node cycle limit, a
 * pending retry backoff, the cluster and pool power caps (projected draw) and the cost budget.
 * Keeps the step's running totals (wakes left, spend of the budget windows including wakes
 * committed in this step) and books a committed wake into the node table.
 */
final class WakeLimits {

  private static final Duration HOUR = Duration.ofHours(1);

  private final DecisionInput in;
  private final NodeTable t;
  private final EnginePolicy policy;
  private final Instant now;
  private int wakesLeft;
  private double spentHour;
  private double spentPeriod;

  WakeLimits(DecisionInput in, NodeTable table) {
    this.in = in;
    this.t = table;
    this.policy = in.policy();
    this.now = in.now();
    this.wakesLeft = left(policy.wakeRate(), in.recentWakes(), now);
    this.spentHour = in.spend().hour();
    this.spentPeriod = in.spend().period();
  }

  /** How many actions a rate limit still allows, given when recent ones started. */
  static int left(RateLimit limit, List<Instant> recent, Instant now) {
    Instant from = now.minus(limit.window());
    int used = 0;
    for (Instant at : recent) {
      if (at.isAfter(from) && !at.isAfter(now)) {
        used++;
      }
    }
    return Math.max(0, limit.count() - used);
  }

  /** The draw waking node {@code i} adds, with {@code cpu} millis requested on it. */
  double extraWatts(int i, long cpu) {
    PowerProfile p = t.nodes[i].spec().power();
    return Math.max(p.transitionWatts(), p.wattsAt(t.utilisation(i, cpu))) - p.offWatts();
  }

  /** Whether the wake rate limit is reached; if so, holds {@code subject} back saying why. */
  boolean rateLimited(String subject, String why, List<HeldBack> held) {
    if (wakesLeft > 0) {
      return false;
    }
    RateLimit r = policy.wakeRate();
    held.add(
        new HeldBack(
            subject,
            ActionType.WAKE,
            "wake rate limit of "
                + r.count()
                + " per "
                + r.window().toSeconds()
                + " s reached; "
                + why));
    return true;
  }

  /** Why node {@code i} may not be woken now; empty when it may. Does not check the rate limit. */
  Optional<String> blocker(int i, double extraWatts) {
    NodeRecord r = t.recs[i];
    String name = t.nodes[i].name();
    int cycles = Lifecycle.cyclesWithinDay(r, now);
    if (cycles >= policy.maxCyclesPerNodePerDay()) {
      return Optional.of(
          "node "
              + name
              + " was powered on "
              + cycles
              + " times in 24 h, the per-node cycle limit is "
              + policy.maxCyclesPerNodePerDay());
    }
    Instant retry = Lifecycle.retryAt(policy, r);
    if (r.attempts() > 0 && now.isBefore(retry)) {
      return Optional.of(
          "node "
              + name
              + " failed to boot ("
              + r.lastError().orElse("?")
              + "); retry at "
              + retry);
    }
    double cap = policy.clusterPowerCapWatts().orElse(Double.POSITIVE_INFINITY);
    if (t.clusterWatts + extraWatts > cap) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "waking %s would raise the cluster's projected draw to %.0f W, above the cap of %.0f"
                  + " W",
              name,
              t.clusterWatts + extraWatts,
              cap));
    }
    String pool = t.nodes[i].spec().pool();
    double poolCap = policy.pool(pool).powerCapWatts().orElse(Double.POSITIVE_INFINITY);
    double poolWatts = t.wattsIn(pool);
    if (poolWatts + extraWatts > poolCap) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "waking %s would raise pool %s's projected draw to %.0f W, above its cap of %.0f W",
              name,
              pool,
              poolWatts + extraWatts,
              poolCap));
    }
    return Optional.empty();
  }

  /**
   * Why the cost budget holds back a wake of node {@code i}; empty when the wake fits in every
   * budget. {@code what} names the demand held back.
   */
  Optional<String> budgetBlocker(int i, double extraWatts, String what) {
    CostBudget b = policy.budget();
    if (!b.enabled()) {
      return Optional.empty();
    }
    double[] c = wakeCost(i, extraWatts);
    String cur = in.tariff().currency();
    String name = t.nodes[i].name();
    if (b.perHour().isPresent() && spentHour + c[0] > b.perHour().getAsDouble()) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "cost budget of %.2f %s per hour is spent: %.2f %s spent since %s, waking %s would"
                  + " add %.2f %s this hour; held back: %s",
              b.perHour().getAsDouble(),
              cur,
              spentHour,
              cur,
              CostBudget.hourStart(now),
              name,
              c[0],
              cur,
              what));
    }
    if (b.perPeriod().isPresent() && spentPeriod + c[1] > b.perPeriod().getAsDouble()) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "cost budget of %.2f %s per %d s period is spent: %.2f %s spent since %s, waking %s"
                  + " would add %.2f %s this period; held back: %s",
              b.perPeriod().getAsDouble(),
              cur,
              b.period().toSeconds(),
              spentPeriod,
              cur,
              b.periodStartAt(now),
              name,
              c[1],
              cur,
              what));
    }
    return Optional.empty();
  }

  /** Books a wake of node {@code i}: its spend, its draw, one more node on, one wake fewer left. */
  void commit(int i, double extra) {
    if (policy.budget().enabled()) {
      double[] c = wakeCost(i, extra);
      spentHour += c[0];
      spentPeriod += c[1];
    }
    t.addWatts(i, extra);
    t.onIn(t.nodes[i].spec().pool())[0]++;
    wakesLeft--;
  }

  /**
   * The projected cost of waking node {@code i} to draw {@code extraWatts} more, within the current
   * hour window and within the current period: the node is committed for its boot time plus {@code
   * minUptime}, priced hour by hour with the tariff, cut at each window's end.
   */
  private double[] wakeCost(int i, double extraWatts) {
    CostBudget b = policy.budget();
    Instant end = now.plus(t.nodes[i].spec().power().bootTime()).plus(policy.minUptime());
    Instant hourEnd = CostBudget.hourStart(now).plus(HOUR);
    Instant periodEnd = b.periodStartAt(now).plus(b.period());
    return new double[] {
      cost(extraWatts, now, earliest(end, hourEnd)), cost(extraWatts, now, earliest(end, periodEnd))
    };
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Cost of drawing {@code watts} from {@code from} to {@code to}, priced per clock hour. */
  private double cost(double watts, Instant from, Instant to) {
    Tariff tariff = in.tariff();
    double total = 0;
    Instant a = from;
    while (a.isBefore(to)) {
      Instant b = earliest(CostBudget.hourStart(a).plus(HOUR), to);
      double hours = Duration.between(a, b).toMillis() / 3_600_000.0;
      total += watts / 1000 * hours * tariff.pue() * tariff.pricePerKwh(a);
      a = b;
    }
    return total;
  }
}
