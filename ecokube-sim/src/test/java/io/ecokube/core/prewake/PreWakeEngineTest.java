package io.ecokube.core.prewake;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastException;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.engine.ActionExecutor;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import io.ecokube.sim.cluster.SimulatedDriverProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pre-wake feeding the real engine: forecast demand wakes nodes, a failing forecaster does not. */
class PreWakeEngineTest {
  private static final WorkloadRef WORKERS = WorkloadRef.deployment("apps", "workers");
  private static final SchedulingRequirements ONE_CORE =
      SchedulingRequirements.of(Resources.request(1000, 0, 0));

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryCluster cluster = new InMemoryCluster(clock);

  private static Forecaster constant(double level) {
    return s ->
        new ForecastModel() {
          @Override
          public Forecast forecast(int steps, double lvl) {
            double[] v = new double[steps];
            Arrays.fill(v, level);
            return new Forecast(s.end(), s.step(), v, v, v, lvl, "constant " + level);
          }

          @Override
          public String description() {
            return "constant";
          }
        };
  }

  private EcoKubeEngine engine(PreWake preWake) {
    PowerAddress sim =
        new PowerAddress(List.of(new DriverSpec(SimulatedDriverProvider.NAME, Map.of())));
    for (String name : List.of("a", "b", "c")) {
      cluster.addNode(
          NodeSpec.builder(name)
              .allocatable(new Resources(4000, 1L << 34, 0, 110))
              .address(sim)
              .build(),
          name.equals("a"));
    }
    // Node a runs a 1-core pod: the guard must keep it on whatever the forecast says.
    cluster.addPod(PodInfo.running("apps", "busy", "a", ONE_CORE));
    DriverRegistry drivers =
        DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build();
    return EcoKubeEngine.builder()
        .clusterView(cluster)
        .actuator(cluster)
        .drivers(drivers::chainFor)
        .demand(
            () ->
                new Demand(
                    clock.now(),
                    List.of(),
                    preWake.expected(WORKERS, ONE_CORE, 1),
                    Optional.empty()))
        .policy(EnginePolicy.defaults())
        .clock(clock)
        .executor(ActionExecutor.inline())
        .build();
  }

  private static PreWake preWake(ManualClock clock, Forecaster f) {
    PreWakeSettings s =
        PreWakeSettings.builder(Duration.ofMinutes(3))
            .minHistory(Duration.ofMinutes(30))
            .history(Duration.ofHours(2))
            .build();
    return new PreWake(s, f, clock);
  }

  private Plan runFor(EcoKubeEngine e, PreWake w, Duration d) {
    Plan last = null;
    Instant end = clock.now().plus(d);
    while (clock.now().isBefore(end)) {
      w.record(1);
      last = e.reconcileOnce();
      clock.advance(Duration.ofSeconds(10));
    }
    return last;
  }

  @Test
  void forecastDemandWakesNodesBeforeAnyPodIsPending() {
    PreWake w = preWake(clock, constant(9));
    try (EcoKubeEngine e = engine(w)) {
      // 9 cores expected, 1 present and 3 free on node a: 5 more need two 4-core nodes.
      runFor(e, w, Duration.ofMinutes(29));
      assertThat(cluster.machine("b").orElseThrow().powerOnRequests()).isZero();
      Plan p = runFor(e, w, Duration.ofMinutes(1).plusSeconds(10));
      assertThat(cluster.machine("b").orElseThrow().powerOnRequests()).isEqualTo(1);
      assertThat(cluster.machine("c").orElseThrow().powerOnRequests()).isEqualTo(1);
      assertThat(p).isNotNull();
      assertThat(e.record("b").orElseThrow().state().name()).isIn("BOOTING", "ACTIVE");
      assertThat(e.record("a").orElseThrow().state().name()).isEqualTo("ACTIVE");
    }
  }

  @Test
  void forecastOfNothingNeverPowersOffABusyNodeAndWakesNothing() {
    PreWake w = preWake(clock, constant(0));
    try (EcoKubeEngine e = engine(w)) {
      Plan p = runFor(e, w, Duration.ofHours(1));
      assertThat(p.actions()).extracting(PlannedAction::type).doesNotContain(ActionType.WAKE);
      assertThat(cluster.machine("b").orElseThrow().powerOnRequests()).isZero();
      assertThat(cluster.machine("a").orElseThrow().powerOffRequests()).isZero();
    }
  }

  @Test
  void failingForecasterFallsBackToReacting() {
    PreWake w =
        preWake(
            clock,
            s -> {
              throw new ForecastException("too short");
            });
    try (EcoKubeEngine e = engine(w)) {
      runFor(e, w, Duration.ofHours(1));
      assertThat(cluster.machine("b").orElseThrow().powerOnRequests()).isZero();
      assertThat(w.outlook().reason()).contains("too short");
    }
  }
}
