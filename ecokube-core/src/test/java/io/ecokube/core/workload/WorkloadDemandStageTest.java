package io.ecokube.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.PartitionLag;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.prewake.LastSeasonForecaster;
import io.ecokube.core.prewake.PreWake;
import io.ecokube.core.prewake.PreWakeSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WorkloadDemandStageTest {
  final ManualClock clock = new ManualClock();

  /** Records what it was told; can be told to fail, like an API server that refuses. */
  static final class RecordingScaler implements WorkloadScaler {
    final List<String> calls = new ArrayList<>();
    final Map<WorkloadRef, Integer> replicas = new HashMap<>();
    boolean refuse;

    @Override
    public void scale(WorkloadRef workload, int n) throws ActuatorException {
      calls.add(workload.name() + "=" + n);
      if (refuse) {
        throw new ActuatorException("forbidden: RBAC denies scale on " + workload);
      }
      replicas.put(workload, n);
    }

    @Override
    public OptionalInt replicas(WorkloadRef workload) {
      Integer n = replicas.get(workload);
      return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }
  }

  BacklogReading reading(String topic, long lagPerPartition, int partitions) {
    List<PartitionLag> ps = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      ps.add(
          new PartitionLag(topic, i, 100, OptionalLong.of(100 - lagPerPartition), lagPerPartition));
    }
    return new BacklogReading(
        "g",
        topic,
        clock.now(),
        ps,
        lagPerPartition * partitions,
        100L * partitions,
        Optional.empty());
  }

  WorkloadDemandStage stage() {
    return new WorkloadDemandStage(
        List.of(
            BacklogAutoscalerTest.policy().build(),
            LagScalingPolicy.builder(
                    WorkloadRef.deployment("media", "thumbs"),
                    "thumbs",
                    "g",
                    BacklogAutoscalerTest.POD)
                .build()),
        clock);
  }

  @Test
  void eachWorkloadContributesItsDesiredPods() {
    WorkloadDemandStage s =
        new WorkloadDemandStage(
            List.of(
                LagScalingPolicy.builder(
                        BacklogAutoscalerTest.WORKER, "uploads", "g", BacklogAutoscalerTest.POD)
                    .build(),
                LagScalingPolicy.builder(
                        WorkloadRef.deployment("media", "thumbs"),
                        "thumbs",
                        "g",
                        BacklogAutoscalerTest.POD)
                    .build()),
            clock);
    Demand d = s.update(List.of(reading("uploads", 10, 5), reading("thumbs", 0, 2)));
    assertThat(d.stale()).isFalse();
    assertThat(d.desired()).hasSize(2);
    assertThat(d.desired().get(0).replicas()).isEqualTo(5);
    assertThat(d.desired().get(1).replicas()).isZero();
    assertThat(d.observedAt()).isEqualTo(clock.now());
  }

  @Test
  void aStaleBacklogMakesTheDemandStaleAndNamesTheWorkload() {
    Demand d =
        stage()
            .update(
                List.of(
                    BacklogReading.stale("workers", "uploads", clock.now(), "topic uploads gone"),
                    reading("thumbs", 1, 2)));
    assertThat(d.staleReason())
        .hasValueSatisfying(
            r -> assertThat(r).contains("eco-worker").contains("topic uploads gone"));
  }

  @Test
  void applyScalesOnlyWhatChangedAndRetriesFailures() {
    WorkloadDemandStage s =
        new WorkloadDemandStage(
            List.of(
                LagScalingPolicy.builder(
                        BacklogAutoscalerTest.WORKER, "uploads", "g", BacklogAutoscalerTest.POD)
                    .build()),
            clock);
    RecordingScaler scaler = new RecordingScaler();
    s.update(List.of(reading("uploads", 10, 5)));
    assertThat(s.apply(scaler)).isEmpty();
    assertThat(s.apply(scaler)).isEmpty();
    assertThat(scaler.calls).containsExactly("eco-worker=5");

    s.update(List.of(reading("uploads", 10, 10)));
    scaler.refuse = true;
    assertThat(s.apply(scaler)).singleElement().asString().contains("RBAC");
    scaler.refuse = false;
    assertThat(s.apply(scaler)).isEmpty();
    assertThat(scaler.calls).containsExactly("eco-worker=5", "eco-worker=10", "eco-worker=10");
    assertThat(scaler.replicas(BacklogAutoscalerTest.WORKER)).hasValue(10);
  }

  @Test
  void aWorkloadMayHaveOnlyOnePolicy() {
    assertThatThrownBy(
            () ->
                new WorkloadDemandStage(
                    List.of(
                        BacklogAutoscalerTest.policy().build(),
                        BacklogAutoscalerTest.policy().build()),
                    clock))
        .hasMessageContaining("has two scaling policies");
  }

  @Test
  void preWakeExpectsTheDailyRushBeforeItsBacklogArrives() {
    // Ten replicas from 09:00 to 10:00 every day (a lag of 20 on each of 10 partitions), none else.
    WorkloadRef thumbs = WorkloadRef.deployment("media", "thumbs");
    WorkloadDemandStage s = stage();
    s.preWake(
        thumbs,
        new PreWake(
            PreWakeSettings.builder(Duration.ofMinutes(3))
                .minHistory(Duration.ofDays(1))
                .estimate(PreWakeSettings.Estimate.MEAN)
                .build(),
            new LastSeasonForecaster(288),
            clock));
    Instant start = clock.now();
    Instant dayTwo0858 =
        start.plus(Duration.ofDays(1)).plus(Duration.ofHours(8)).plusSeconds(58 * 60);
    Demand last = null;
    while (clock.now().isBefore(dayTwo0858)) {
      long hour = Duration.between(start, clock.now()).toHours() % 24;
      last = s.update(List.of(reading("thumbs", hour == 9 ? 20 : 0, 10)));
      clock.advance(Duration.ofSeconds(10));
    }
    // At 08:58 on day two the backlog is empty, but yesterday's 09:00 rush is expected.
    assertThat(last.desired())
        .filteredOn(d -> d.workload().equals(thumbs))
        .singleElement()
        .satisfies(d -> assertThat(d.replicas()).isZero());
    assertThat(last.expected())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.workload()).isEqualTo(thumbs);
              assertThat(d.replicas()).isEqualTo(10);
              assertThat(d.reason()).contains(LastSeasonForecaster.DESCRIPTION);
            });
  }

  @Test
  void preWakeNeedsAScalingPolicyForItsWorkload() {
    assertThatThrownBy(
            () ->
                stage()
                    .preWake(
                        WorkloadRef.deployment("x", "unknown"),
                        new PreWake(
                            PreWakeSettings.builder(Duration.ofMinutes(3)).build(),
                            new LastSeasonForecaster(288),
                            clock)))
        .hasMessageContaining("has no scaling policy");
  }
}
