package io.ecokube.core.workload;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides a workload's replicas from its backlog the way KEDA's Kafka scaler and the HPA together
 * do, as a pure function of the readings and the clock (plus the little state the HPA keeps).
 *
 * <ol>
 *   <li>Activation: the backlog is active when its lag, persistent lag included, is greater than
 *       {@code activationLagThreshold}. For a partition with a committed offset that is {@code
 *       logEnd - committed}; for one without, the lag the source counted by its reset policy.
 *   <li>Cap: unless {@code allowIdleConsumers}, the counted lag is cut to {@code partitions x
 *       lagThreshold} when {@code lag / lagThreshold} (integer division, as KEDA) exceeds the
 *       partition count, or the count of partitions with lag under {@code
 *       limitToPartitionsWithLag}.
 *   <li>Desired = ceil(lag / lagThreshold) (the HPA's AverageValue rule, without its 10 % tolerance
 *       band: the lag is an exact count), within [max(1, minReplicas), maxReplicas] while active or
 *       cooling down; when inactive for {@code cooldownPeriod} since the last activity the workload
 *       goes to {@code minReplicas} (zero by default) at once, as KEDA does.
 *   <li>Stabilisation as the HPA: scale-up takes the minimum recommendation within its window,
 *       scale-down the maximum within its window.
 *   <li>A stale reading never lowers the replicas: with no lag data the workload holds; with lag
 *       counted despite the staleness (a consumer group that does not exist yet) it may go up.
 * </ol>
 *
 * Not thread-safe; {@link WorkloadDemandStage} serialises calls.
 */
public final class BacklogAutoscaler {
  private record Recommendation(Instant at, int replicas) {}

  private final LagScalingPolicy policy;
  private final Clock clock;
  private final Deque<Recommendation> history = new ArrayDeque<>();
  private int replicas;
  private Instant lastActive;
  private ScaleDecision last;

  /** Starts at {@code minReplicas}. */
  public BacklogAutoscaler(LagScalingPolicy policy, Clock clock) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.replicas = policy.minReplicas();
  }

  /** The policy. */
  public LagScalingPolicy policy() {
    return policy;
  }

  /** The last decision, if any. */
  public Optional<ScaleDecision> last() {
    return Optional.ofNullable(last);
  }

  /**
   * Decides from this poll's readings; the one for the policy's (topic, group) is used, and its
   * absence counts as stale.
   */
  public ScaleDecision decide(List<BacklogReading> readings) {
    Instant now = clock.now();
    Optional<BacklogReading> mine =
        readings.stream()
            .filter(r -> r.topic().equals(policy.topic()) && r.group().equals(policy.group()))
            .findFirst();
    int before = replicas;
    if (mine.isEmpty() || (mine.get().stale() && mine.get().partitions().isEmpty())) {
      String why =
          mine.isEmpty()
              ? "no reading of " + policy.topic() + "/" + policy.group()
              : mine.get().staleReason().orElseThrow();
      replicas = Math.max(replicas, policy.minReplicas());
      return remember(
          new ScaleDecision(
              policy.workload(),
              now,
              replicas,
              before,
              false,
              Optional.of(why),
              "backlog of "
                  + policy.topic()
                  + "/"
                  + policy.group()
                  + " unknown ("
                  + why
                  + "): holding "
                  + replicas
                  + " replicas"));
    }
    BacklogReading reading = mine.get();
    StringBuilder reason = new StringBuilder();

    long counted = reading.totalLag();
    long withPersistent = 0;
    int partitionsWithLag = 0;
    for (PartitionLag p : reading.partitions()) {
      withPersistent +=
          p.committedOffset().isPresent()
              ? Math.max(0, p.logEndOffset() - p.committedOffset().getAsLong())
              : p.lag();
      if (p.lag() > 0) {
        partitionsWithLag++;
      }
    }
    boolean active = withPersistent > policy.activationLagThreshold();
    if (active) {
      lastActive = now;
    }
    long threshold = policy.lagThreshold();
    long metric = counted;
    reason.append("lag ").append(counted);
    if (withPersistent != counted) {
      reason.append(" (").append(withPersistent).append(" with persistent lag)");
    }
    if (!policy.allowIdleConsumers() || policy.limitToPartitionsWithLag()) {
      long bound = policy.limitToPartitionsWithLag() ? partitionsWithLag : reading.partitionCount();
      if (metric / threshold > bound) {
        metric = bound * threshold;
        reason
            .append(", capped at ")
            .append(bound)
            .append(policy.limitToPartitionsWithLag() ? " partitions with lag" : " partitions")
            .append(" -> ")
            .append(metric);
      }
    }
    int wanted = (int) Math.min(Integer.MAX_VALUE, ceilDiv(metric, threshold));
    reason.append(" / threshold ").append(threshold).append(" -> ").append(wanted);

    boolean coolingDown =
        !active
            && before > 0
            && lastActive != null
            && now.isBefore(lastActive.plus(policy.cooldownPeriod()));
    int target;
    boolean deactivated = false;
    if (policy.minReplicas() > 0 || active || coolingDown) {
      int floor = Math.max(1, policy.minReplicas());
      target = clamp(wanted, floor, policy.maxReplicas());
      if (target != wanted) {
        reason.append(", bounded to [").append(floor).append(", ").append(policy.maxReplicas());
        reason.append("] -> ").append(target);
      }
      if (coolingDown) {
        reason
            .append("; inactive (lag <= activation ")
            .append(policy.activationLagThreshold())
            .append("), cooldown ")
            .append(policy.cooldownPeriod().toSeconds())
            .append(" s runs until ")
            .append(lastActive.plus(policy.cooldownPeriod()));
      }
    } else {
      target = 0;
      deactivated = true;
      reason
          .append("; inactive (lag with persistent ")
          .append(withPersistent)
          .append(" <= activation ")
          .append(policy.activationLagThreshold())
          .append(")");
      if (before > 0) {
        reason.append(" for the cooldown of ").append(policy.cooldownPeriod().toSeconds());
        reason.append(" s -> 0");
      }
    }

    int next;
    if (deactivated) {
      // KEDA scales to zero itself, past the HPA and its windows.
      history.clear();
      next = 0;
    } else {
      next = stabilise(now, target, before, reason);
    }
    Optional<String> stale = reading.staleReason();
    if (stale.isPresent() && next < before) {
      next = before;
      reason.append("; stale (").append(stale.get()).append("): not scaling down, holding ");
      reason.append(before);
    }
    replicas = next;
    return remember(
        new ScaleDecision(policy.workload(), now, next, before, active, stale, reason.toString()));
  }

  private int stabilise(Instant now, int target, int current, StringBuilder reason) {
    history.addLast(new Recommendation(now, target));
    Duration keep = max(policy.scaleUpStabilization(), policy.scaleDownStabilization());
    while (!history.isEmpty() && history.peekFirst().at().isBefore(now.minus(keep))) {
      history.removeFirst();
    }
    int up = target;
    int down = target;
    for (Recommendation r : history) {
      // Strictly inside the window: a zero window means only the current recommendation counts.
      if (r.at().isAfter(now.minus(policy.scaleUpStabilization()))) {
        up = Math.min(up, r.replicas());
      }
      if (r.at().isAfter(now.minus(policy.scaleDownStabilization()))) {
        down = Math.max(down, r.replicas());
      }
    }
    int next = current;
    if (next < up) {
      next = up;
    }
    if (next > down) {
      next = down;
    }
    if (next != target) {
      if (next > target) {
        reason
            .append("; held at ")
            .append(next)
            .append(" by scale-down stabilisation (max over ")
            .append(policy.scaleDownStabilization().toSeconds())
            .append(" s)");
      } else {
        reason
            .append("; held at ")
            .append(next)
            .append(" by scale-up stabilisation (min over ")
            .append(policy.scaleUpStabilization().toSeconds())
            .append(" s)");
      }
    }
    return next;
  }

  /** The demand for the engine from a decision of this autoscaler. */
  public WorkloadDemand demand(ScaleDecision decision) {
    return new WorkloadDemand(
        policy.workload(),
        decision.replicas(),
        policy.podTemplate(),
        policy.priority(),
        decision.reason());
  }

  private ScaleDecision remember(ScaleDecision d) {
    last = d;
    return d;
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
