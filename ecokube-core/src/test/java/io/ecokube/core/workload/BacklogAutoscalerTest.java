package io.ecokube.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class BacklogAutoscalerTest {
  static final WorkloadRef WORKER = WorkloadRef.deployment("media", "eco-worker");
  static final SchedulingRequirements POD =
      SchedulingRequirements.of(Resources.request(2000, 4L << 30, 1));

  final ManualClock clock = new ManualClock();

  static LagScalingPolicy.Builder policy() {
    return LagScalingPolicy.builder(WORKER, "uploads", "workers", POD);
  }

  BacklogAutoscaler scaler(UnaryOperator<LagScalingPolicy.Builder> settings) {
    return new BacklogAutoscaler(settings.apply(policy()).build(), clock);
  }

  /** Partitions that all committed, each with the given lag. */
  BacklogReading lags(long... lag) {
    List<PartitionLag> ps = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < lag.length; i++) {
      ps.add(new PartitionLag("uploads", i, 1000, OptionalLong.of(1000 - lag[i]), lag[i]));
      total += lag[i];
    }
    return new BacklogReading(
        "workers", "uploads", clock.now(), ps, total, 1000L * lag.length, Optional.empty());
  }

  /** {@code partitions} partitions that share {@code total} lag evenly. */
  BacklogReading spread(long total, int partitions) {
    long[] l = new long[partitions];
    for (int i = 0; i < partitions; i++) {
      l[i] = total / partitions + (i < total % partitions ? 1 : 0);
    }
    return lags(l);
  }

  int decide(BacklogAutoscaler a, BacklogReading r) {
    return a.decide(List.of(r)).replicas();
  }

  @Test
  void desiredIsTheLagOverTheThresholdRoundedUp() {
    BacklogAutoscaler a = scaler(b -> b);
    ScaleDecision d = a.decide(List.of(spread(421, 100)));
    assertThat(d.replicas()).isEqualTo(43);
    assertThat(d.reason()).contains("lag 421").contains("threshold 10 -> 43");
  }

  @Test
  void replicasAreCappedAtThePartitionCountUnlessIdleConsumersAreAllowed() {
    ScaleDecision capped = scaler(b -> b).decide(List.of(spread(420, 10)));
    assertThat(capped.replicas()).isEqualTo(10);
    assertThat(capped.reason()).contains("capped at 10 partitions -> 100");

    assertThat(decide(scaler(b -> b.allowIdleConsumers(true)), spread(420, 10))).isEqualTo(42);
  }

  @Test
  void theCapUsesIntegerDivisionLikeKeda() {
    // 105 / 10 = 10 (integer) is not above 10 partitions, so KEDA leaves the lag alone and the
    // HPA rounds 10.5 up to 11.
    assertThat(decide(scaler(b -> b), spread(105, 10))).isEqualTo(11);
  }

  @Test
  void limitToPartitionsWithLagCapsAtPartitionsThatHaveLag() {
    BacklogAutoscaler a = scaler(b -> b.limitToPartitionsWithLag(true));
    ScaleDecision d = a.decide(List.of(lags(100, 0, 100, 0, 0, 0, 0, 0, 0, 100)));
    assertThat(d.replicas()).isEqualTo(3);
    assertThat(d.reason()).contains("capped at 3 partitions with lag");
  }

  @Test
  void idleConsumersAndPartitionsWithLagCannotBeCombined() {
    assertThatThrownBy(
            () -> policy().allowIdleConsumers(true).limitToPartitionsWithLag(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eco-worker")
        .hasMessageContaining("allowIdleConsumers and limitToPartitionsWithLag cannot be set");
  }

  @Test
  void badNumbersAreRejectedWithTheSettingAndValue() {
    assertThatThrownBy(() -> policy().lagThreshold(0).build())
        .hasMessageContaining("lagThreshold must be a positive number, got 0");
    assertThatThrownBy(() -> policy().activationLagThreshold(-1).build())
        .hasMessageContaining("activationLagThreshold must be >= 0, got -1");
    assertThatThrownBy(() -> policy().minReplicas(5).maxReplicas(3).build())
        .hasMessageContaining("maxReplicas must be >= 1 and >= minReplicas (5), got 3");
    assertThatThrownBy(() -> policy().cooldownPeriod(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("cooldownPeriod must be >= 0");
  }

  @Test
  void maxReplicasBoundsTheResult() {
    assertThat(decide(scaler(b -> b.allowIdleConsumers(true).maxReplicas(10)), spread(1000, 4)))
        .isEqualTo(10);
  }

  @Test
  void aWorkloadAtZeroStartsOnlyAboveTheActivationThreshold() {
    BacklogAutoscaler a = scaler(b -> b.activationLagThreshold(5));
    assertThat(decide(a, lags(5))).isZero();
    ScaleDecision d = a.decide(List.of(lags(6)));
    assertThat(d.active()).isTrue();
    assertThat(d.replicas()).isEqualTo(1);
  }

  @Test
  void persistentLagDoesNotScaleButStillActivates() {
    // The source counted 0 for a stuck partition (excludePersistentLag) whose real lag is 50.
    PartitionLag stuck = new PartitionLag("uploads", 0, 100, OptionalLong.of(50), 0);
    BacklogReading r =
        new BacklogReading(
            "workers", "uploads", clock.now(), List.of(stuck), 0, 100, Optional.empty());
    ScaleDecision d = scaler(b -> b).decide(List.of(r));
    assertThat(d.active()).isTrue();
    assertThat(d.replicas()).isEqualTo(1);
    assertThat(d.reason()).contains("lag 0 (50 with persistent lag)");
  }

  @Test
  void scalesToZeroOnlyAfterTheCooldownSinceTheLastActivity() {
    BacklogAutoscaler a =
        scaler(
            b -> b.cooldownPeriod(Duration.ofSeconds(300)).scaleDownStabilization(Duration.ZERO));
    assertThat(decide(a, spread(30, 10))).isEqualTo(3);
    clock.advance(Duration.ofSeconds(10));
    assertThat(decide(a, spread(0, 10))).isEqualTo(1);
    clock.advance(Duration.ofSeconds(289));
    ScaleDecision cooling = a.decide(List.of(spread(0, 10)));
    assertThat(cooling.replicas()).isEqualTo(1);
    assertThat(cooling.reason()).contains("cooldown 300 s");
    clock.advance(Duration.ofSeconds(1));
    ScaleDecision off = a.decide(List.of(spread(0, 10)));
    assertThat(off.replicas()).isZero();
    assertThat(off.reason()).contains("for the cooldown of 300 s -> 0");
  }

  @Test
  void minReplicasKeepsTheWorkloadUpWhenIdle() {
    BacklogAutoscaler a = scaler(b -> b.minReplicas(2).scaleDownStabilization(Duration.ZERO));
    assertThat(decide(a, spread(0, 10))).isEqualTo(2);
    clock.advance(Duration.ofHours(1));
    assertThat(decide(a, spread(0, 10))).isEqualTo(2);
  }

  @Test
  void scaleDownTakesTheMaximumOverItsWindow() {
    BacklogAutoscaler a = scaler(b -> b.scaleDownStabilization(Duration.ofSeconds(60)));
    assertThat(decide(a, spread(100, 10))).isEqualTo(10);
    clock.advance(Duration.ofSeconds(10));
    ScaleDecision held = a.decide(List.of(spread(40, 10)));
    assertThat(held.replicas()).isEqualTo(10);
    assertThat(held.reason()).contains("held at 10 by scale-down stabilisation (max over 60 s)");
    clock.advance(Duration.ofSeconds(30));
    assertThat(decide(a, spread(60, 10))).isEqualTo(10);
    clock.advance(Duration.ofSeconds(21)); // the 10 is 61 s old; 4 and 6 remain in the window
    assertThat(decide(a, spread(40, 10))).isEqualTo(6);
    clock.advance(Duration.ofSeconds(61));
    assertThat(decide(a, spread(40, 10))).isEqualTo(4);
  }

  @Test
  void scaleUpTakesTheMinimumOverItsWindow() {
    BacklogAutoscaler a =
        scaler(
            b ->
                b.scaleUpStabilization(Duration.ofSeconds(30))
                    .scaleDownStabilization(Duration.ZERO));
    assertThat(decide(a, spread(20, 10))).isEqualTo(2);
    clock.advance(Duration.ofSeconds(10));
    ScaleDecision held = a.decide(List.of(spread(80, 10)));
    assertThat(held.replicas()).isEqualTo(2);
    assertThat(held.reason()).contains("scale-up stabilisation (min over 30 s)");
    clock.advance(Duration.ofSeconds(21));
    assertThat(decide(a, spread(80, 10))).isEqualTo(8);
  }

  @Test
  void aStaleReadingWithoutLagHoldsTheReplicas() {
    BacklogAutoscaler a = scaler(b -> b.scaleDownStabilization(Duration.ZERO));
    assertThat(decide(a, spread(50, 10))).isEqualTo(5);
    clock.advance(Duration.ofHours(1));
    ScaleDecision d =
        a.decide(List.of(BacklogReading.stale("workers", "uploads", clock.now(), "broker down")));
    assertThat(d.replicas()).isEqualTo(5);
    assertThat(d.stale()).isTrue();
    assertThat(d.reason()).contains("broker down").contains("holding 5 replicas");
  }

  @Test
  void aMissingReadingCountsAsStale() {
    ScaleDecision d = scaler(b -> b).decide(List.of());
    assertThat(d.staleReason()).contains("no reading of uploads/workers");
    assertThat(d.replicas()).isZero();
  }

  @Test
  void aStaleReadingWithLagMayScaleUpButNeverDown() {
    BacklogAutoscaler a = scaler(b -> b.scaleDownStabilization(Duration.ZERO));
    // A group that does not exist yet: the source counted 1 per partition (latest policy).
    List<PartitionLag> ps = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ps.add(new PartitionLag("uploads", i, 40, OptionalLong.empty(), 1));
    }
    BacklogReading unknownGroup =
        new BacklogReading(
            "workers", "uploads", clock.now(), ps, 3, 120, Optional.of("group unknown"));
    assertThat(decide(a, unknownGroup)).isEqualTo(1);
    assertThat(decide(a, spread(80, 10))).isEqualTo(8);
    clock.advance(Duration.ofSeconds(1));
    ScaleDecision d = a.decide(List.of(unknownGroup));
    assertThat(d.replicas()).isEqualTo(8);
    assertThat(d.reason()).contains("not scaling down, holding 8");
  }

  @Test
  void theDemandCarriesThePodTemplateAndTheArithmetic() {
    BacklogAutoscaler a = scaler(b -> b.priority(7));
    WorkloadDemand w = a.demand(a.decide(List.of(spread(420, 10))));
    assertThat(w.workload()).isEqualTo(WORKER);
    assertThat(w.replicas()).isEqualTo(10);
    assertThat(w.podTemplate()).isEqualTo(POD);
    assertThat(w.priority()).isEqualTo(7);
    assertThat(w.reason())
        .isEqualTo("lag 420, capped at 10 partitions -> 100 / threshold 10 -> 10");
  }

  @Test
  void readingsOfOtherBacklogsAreIgnored() {
    BacklogReading other =
        new BacklogReading(
            "others", "uploads", clock.now(), List.of(), 0, 0, Optional.of("not mine"));
    ScaleDecision d = scaler(b -> b).decide(List.of(other, spread(30, 10)));
    assertThat(d.replicas()).isEqualTo(3);
    assertThat(d.stale()).isFalse();
  }
}
