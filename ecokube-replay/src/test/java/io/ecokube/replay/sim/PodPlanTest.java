package io.ecokube.replay.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.replay.ReplayFixtures;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PodPlanTest {
  private static TraceJob job(String id, long submit, int cores, long memMb) {
    return new TraceJob(
        id,
        Duration.ofSeconds(submit),
        Duration.ofSeconds(60),
        cores,
        memMb < 0 ? OptionalLong.empty() : OptionalLong.of(memMb));
  }

  @Test
  void splitsBigJobsIntoNodeSizedPodsSharingCoresEvenly() {
    // 4-core nodes: 9 cores -> 3 pods of 3; 10 cores -> 3 pods of 4, 3, 3; 4 cores -> 1 pod.
    PodPlan p =
        new PodPlan(
            List.of(job("a", 0, 9, -1), job("b", 1, 10, 3000), job("c", 2, 4, -1)),
            ReplayFixtures.cluster(),
            Duration.ofHours(1));
    assertThat(p.jobs()).isEqualTo(3);
    assertThat(p.pods()).isEqualTo(7);
    assertThat(p.podCpuMillis).containsExactly(3000, 3000, 3000, 4000, 3000, 3000, 4000);
    assertThat(p.podMemBytes[3]).isEqualTo(1000L * 1024 * 1024);
    assertThat(p.podJob).containsExactly(0, 0, 0, 1, 1, 1, 2);
  }

  @Test
  void leavesOutJobsThatFitNoNodeAndSaysWhy() {
    PodPlan p =
        new PodPlan(
            List.of(job("ok", 0, 2, 1000), job("huge", 1, 2, 40_000)),
            ReplayFixtures.cluster(),
            Duration.ofHours(1));
    assertThat(p.jobs()).isEqualTo(1);
    assertThat(p.excluded()).singleElement().asString().contains("huge").contains("16384 MB");
  }

  @Test
  void jobsAfterTheHorizonAreNotReplayed() {
    PodPlan p =
        new PodPlan(
            List.of(job("early", 0, 1, -1), job("late", 7200, 1, -1)),
            ReplayFixtures.cluster(),
            Duration.ofHours(1));
    assertThat(p.includedJobs()).extracting(TraceJob::id).containsExactly("early");
  }
}
