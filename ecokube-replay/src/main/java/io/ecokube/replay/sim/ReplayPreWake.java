package io.ecokube.replay.sim;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Durations;
import io.ecokube.core.prewake.PreWake;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Pre-wake inside a replay: fed the cores required at each reconcile, it makes the demand the
 * engine sees (none for reactive policies; for predictive ones, the cores it expects beyond the
 * present, as one-core pods of a forecast workload), names the times its outlook can change for
 * fast-forward, and remembers whether it ever asked for a node, so a result that equals the
 * default's says why.
 */
final class ReplayPreWake {
  private static final WorkloadRef FORECAST = WorkloadRef.deployment("replay", "forecast");
  private static final SchedulingRequirements ONE_CORE =
      SchedulingRequirements.of(new Resources(1000, 0, 0, 1));

  // Null for a reactive policy.
  private final PreWake preWake;
  private final Clock clock;
  private boolean acted;

  ReplayPreWake(PreWake preWake, Clock clock) {
    this.preWake = preWake;
    this.clock = clock;
  }

  /** Whether a pre-wake runs (a predictive policy). */
  boolean active() {
    return preWake != null;
  }

  /** Records the cores required now (running plus pending), in millicores. */
  void record(long requiredCpuMillis) {
    if (preWake != null) {
      preWake.record(requiredCpuMillis / 1000.0);
    }
  }

  /**
   * The earlier of {@code until} and the next time, after {@code now}, that the outlook can change
   * (times in ms since {@link ReplayRun#START}).
   */
  long quietUntil(long until, long now) {
    if (preWake == null) {
      return until;
    }
    long step = preWake.settings().step().toMillis();
    long lead = preWake.settings().leadTime().toMillis();
    // The outlook reads the steps overlapping [now, now + lead): it changes when either end
    // enters a new step (steps are aligned to the epoch, and so is START).
    long reach = Math.max(0, lead - 1);
    until = Math.min(until, (Math.floorDiv(now, step) + 1) * step);
    until = Math.min(until, (Math.floorDiv(now + reach, step) + 1) * step - reach);
    Optional<Instant> fit = preWake.nextFitDue();
    if (fit.isPresent()) {
      until =
          ReplayRun.after(until, fit.get().toEpochMilli() - ReplayRun.START.toEpochMilli(), now);
    }
    return until;
  }

  /** The demand now, given the cores required (running plus pending) in millicores. */
  Demand demand(long requiredCpuMillis) {
    Instant now = clock.now();
    if (preWake == null) {
      return Demand.none(now);
    }
    int coresNow = (int) Math.ceil(requiredCpuMillis / 1000.0);
    List<WorkloadDemand> expected = preWake.expected(FORECAST, ONE_CORE, coresNow);
    acted |= !expected.isEmpty();
    return new Demand(now, List.of(), expected, Optional.empty());
  }

  /** Says so when pre-wake never asked for a node: the result is then the default's. */
  Optional<String> caveat(long endMs, String policyKey) {
    if (preWake == null || acted) {
      return Optional.empty();
    }
    if (preWake.fits() == 0) {
      return Optional.of(
          String.format(
              Locale.ROOT,
              "pre-wake inactive: it needs %s of history before its first forecast and the"
                  + " replay covers %.1f h, so %s behaves as eco-kube default",
              Durations.format(preWake.settings().minHistory()),
              endMs / 3.6e6,
              policyKey));
    }
    return Optional.of(
        "pre-wake inactive: its forecasts never asked for more than the present demand, so "
            + policyKey
            + " behaves as eco-kube default");
  }
}
