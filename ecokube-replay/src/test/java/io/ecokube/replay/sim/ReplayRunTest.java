package io.ecokube.replay.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.time.Clock;
import io.ecokube.core.prewake.PreWake;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.predict.baseline.SeasonalNaiveForecaster;
import io.ecokube.replay.ReplayFixtures;
import io.ecokube.replay.bound.ClairvoyantBound;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.policy.ReplayPolicy;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ReplayRunTest {
  private static final ReplayCluster CLUSTER = ReplayFixtures.cluster();
  private static final Duration HORIZON = Duration.ofHours(12).plus(Duration.ofMinutes(30));

  @BeforeAll
  static void quietEngine() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  private static Function<Clock, PreWake> preWake() {
    // Short history so a forecast exists within the test's twelve hours.
    PreWakeSettings s =
        PreWakeSettings.builder(Duration.ofSeconds(130))
            .minHistory(Duration.ofHours(2))
            .history(Duration.ofHours(6))
            .build();
    return c -> new PreWake(s, new SeasonalNaiveForecaster(12, 2), c);
  }

  private static PolicyResult run(String key, PodPlan plan, boolean fastForward) {
    ReplayPolicy p = PolicyCatalog.policy(key, CLUSTER.nodes());
    return ReplayRun.run(
        CLUSTER,
        p,
        plan,
        HORIZON,
        Duration.ofMinutes(5),
        Optional.of(preWake()),
        f -> {},
        fastForward);
  }

  @Test
  void fastForwardingQuietTimeChangesNothing() {
    PodPlan plan = new PodPlan(ReplayFixtures.trace(5).jobs(), CLUSTER, HORIZON);
    for (String key :
        List.of(
            "always-on",
            "reactive",
            "idle-timeout",
            "autoscaler",
            "eco-default",
            "eco-predictive")) {
      PolicyResult fast = run(key, plan, true);
      PolicyResult slow = run(key, plan, false);
      assertThat(fast.joules()).as(key).isEqualTo(slow.joules());
      assertThat(fast.waitsSeconds()).as(key).containsExactly(slow.waitsSeconds());
      assertThat(fast.cyclesPerNode()).as(key).containsExactly(slow.cyclesPerNode());
      assertThat(fast.delayedByBoot()).as(key).isEqualTo(slow.delayedByBoot());
      // Series are summed in other chunks when time is skipped: equal up to rounding.
      double[] a = fast.series().watts();
      double[] b = slow.series().watts();
      assertThat(a).hasSameSizeAs(b);
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i]).as(key + " interval " + i).isCloseTo(b[i], within(1e-6));
      }
    }
  }

  @Test
  void everyPolicyUsesAtLeastTheClairvoyantBoundAndAlwaysOnNeverWaitsForABoot() {
    Trace t = ReplayFixtures.trace(9);
    PodPlan plan = new PodPlan(t.jobs(), CLUSTER, HORIZON);
    ClairvoyantBound.Result bound =
        ClairvoyantBound.compute(
            plan.includedJobs(), CLUSTER.nodes(), CLUSTER.coresPerNode(), CLUSTER.power(), HORIZON);
    for (String key : List.of("always-on", "reactive", "eco-default", "eco-predictive")) {
      PolicyResult r = run(key, plan, true);
      assertThat(r.joules()).as(key).isGreaterThanOrEqualTo(bound.joules());
      assertThat(r.jobsStarted()).as(key).isEqualTo(plan.jobs());
      if (key.equals("always-on")) {
        assertThat(r.delayedByBoot()).isZero();
        assertThat(r.maxCycles()).isZero();
        for (double on : r.series().nodesOn()) {
          assertThat(on).isCloseTo(4.0, within(1e-9));
        }
      } else {
        assertThat(r.maxCycles()).as(key).isPositive();
      }
    }
  }

  @Test
  void aJobWaitsForItsSlowestPodAndABootDelayIsCounted() {
    // One 8-core job on 4-core nodes, all off: two pods, both wait for a boot (2 min) and the
    // reconcile that uncordons the node.
    TraceJob big =
        new TraceJob("big", Duration.ofSeconds(5), Duration.ofMinutes(10), 8, OptionalLong.empty());
    PodPlan plan = new PodPlan(List.of(big), CLUSTER, Duration.ofHours(1));
    assertThat(plan.pods()).isEqualTo(2);
    ReplayPolicy p = PolicyCatalog.policy("reactive", CLUSTER.nodes());
    PolicyResult r =
        ReplayRun.run(
            CLUSTER,
            p,
            plan,
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Optional.empty(),
            f -> {});
    assertThat(r.jobsCompleted()).isEqualTo(1);
    assertThat(r.delayedByBoot()).isEqualTo(1);
    assertThat(r.waitPercentile(100)).isBetween(120.0, 140.0);
    assertThat(r.cyclesPerNode()).containsExactlyInAnyOrder(1, 1, 0, 0);
  }
}
