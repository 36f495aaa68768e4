package io.ecokube.core.engine;

import static io.ecokube.api.state.NodeLifecycle.ACTIVE;
import static io.ecokube.api.state.NodeLifecycle.BOOTING;
import static io.ecokube.api.state.NodeLifecycle.DRAINING;
import static io.ecokube.api.state.NodeLifecycle.FAILED;
import static io.ecokube.api.state.NodeLifecycle.OFF;
import static io.ecokube.api.state.NodeLifecycle.SHUTTING_DOWN;
import static io.ecokube.api.state.NodeLifecycle.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedFailures;
import io.ecokube.sim.cluster.SimulatedPowerDriver;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine on virtual time against the in-memory cluster and simulated machines. */
class EcoKubeEngineTest {
  private static final Duration STEP = Duration.ofSeconds(10);

  @Test
  void pendingWorkWakesTheGpuNodeWhichIsConfirmedByReadyNotByTheDriver() throws Exception {
    EngineHarness h = new EngineHarness();
    try (EcoKubeEngine e = h.engine(EnginePolicy.defaults()).build()) {
      e.reconcileOnce();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(OFF);
      assertThat(e.record("worker-1").orElseThrow().state()).isEqualTo(ACTIVE);

      String pod = h.addGpuPod();
      Plan p = e.reconcileOnce();
      assertThat(p.actions())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.node()).isEqualTo("worker-2");
                assertThat(a.type()).isEqualTo(ActionType.WAKE);
              });
      // The driver accepted the power-on, but the node is not Ready: still BOOTING.
      assertThat(h.outcomes)
          .anySatisfy(o -> assertThat(o.result()).isEqualTo(ActionOutcome.Result.SUCCEEDED));
      h.clock.advance(Duration.ofSeconds(60));
      e.reconcileOnce();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(BOOTING);

      h.clock.advance(Duration.ofSeconds(60));
      e.reconcileOnce();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(h.cluster.pod(pod).orElseThrow().node()).contains("worker-2");
      assertThat(h.statesOf("worker-2")).containsExactly(UNKNOWN, OFF, BOOTING, ACTIVE);
      assertThat(h.worker2.powerOnRequests()).isEqualTo(1);
    }
  }

  @Test
  void anIdleNodeIsDrainedAndPoweredOffAndProtectedNodesStayOn() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (EcoKubeEngine e = h.engine(policy).build()) {
      h.run(e, 120, STEP);
      assertThat(h.statesOf("worker-2"))
          .containsExactly(UNKNOWN, ACTIVE, DRAINING, SHUTTING_DOWN, OFF);
      assertThat(h.worker2.state()).isEqualTo(PowerState.OFF);
      assertThat(h.cluster.markedPoweredOff("worker-2")).isTrue();
      assertThat(e.record("worker-1").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(e.record("control-plane").orElseThrow().state()).isEqualTo(ACTIVE);
      // Every action had a reason.
      assertThat(h.plans)
          .flatMap(Plan::actions)
          .allSatisfy(a -> assertThat(a.reason()).isNotBlank());
    }
  }

  @Test
  void demandReturningWhileDrainingBringsTheNodeBackToActive() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (EcoKubeEngine e = h.engine(policy).build()) {
      for (int i = 0;
          i < 200 && e.record("worker-2").map(r -> r.state() != DRAINING).orElse(true);
          i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(DRAINING);
      assertThat(h.cluster.cordoned("worker-2")).isTrue();

      String pod = h.addGpuPod();
      Plan p = e.reconcileOnce();
      assertThat(p.actions())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.type()).isEqualTo(ActionType.UNCORDON);
                assertThat(a.reason()).contains("demand returned while draining");
              });
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(h.cluster.cordoned("worker-2")).isFalse();
      assertThat(h.cluster.pod(pod).orElseThrow().node()).contains("worker-2");
      assertThat(h.worker2.powerOffRequests()).isZero();
    }
  }

  @Test
  void bootTimeoutRetriesFallsBackToTheNextDriverThenQuarantinesAndReprobes() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.inject(SimulatedFailures.neverBooting());
    // wol can only wake; ipmi can do everything.
    AtomicInteger wolCalls = new AtomicInteger();
    AtomicInteger ipmiCalls = new AtomicInteger();
    h.chains.put(
        "worker-2",
        m ->
            List.of(
                new CountingDriver(
                    "wol",
                    new SimulatedPowerDriver(m, EnumSet.of(PowerCapability.POWER_ON)),
                    wolCalls),
                new CountingDriver("ipmi", new SimulatedPowerDriver(m), ipmiCalls)));
    EnginePolicy policy =
        EnginePolicy.builder()
            .attemptsPerDriver(2)
            .retryBackoff(Duration.ofSeconds(20))
            .maxRetryBackoff(Duration.ofMinutes(5))
            .bootTimeoutGrace(Duration.ofSeconds(30))
            .build();
    try (EcoKubeEngine e = h.engine(policy).build()) {
      e.reconcileOnce();
      h.addGpuPod();
      for (int i = 0; i < 400 && e.record("worker-2").orElseThrow().state() != FAILED; i++) {
        h.clock.advance(STEP);
        e.reconcileOnce();
      }
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(FAILED);
      List<String> wakeDrivers =
          h.outcomes.stream()
              .filter(o -> o.action().type() == ActionType.WAKE)
              .map(o -> o.driver().orElse("-"))
              .toList();
      assertThat(wakeDrivers).containsExactly("wol", "wol", "ipmi", "ipmi");
      assertThat(wolCalls.get()).isEqualTo(2);
      assertThat(ipmiCalls.get()).isGreaterThanOrEqualTo(2);
      assertThat(h.transitions)
          .filteredOn(t -> t.to() == FAILED)
          .singleElement()
          .satisfies(
              t ->
                  assertThat(t.reason())
                      .contains("boot did not reach Ready")
                      .contains("quarantined"));

      // Quarantined: never woken while FAILED, but re-probed after the backoff.
      int wakesBefore = h.worker2.powerOnRequests();
      h.clock.advance(Duration.ofSeconds(25));
      e.reconcileOnce();
      assertThat(h.outcomes)
          .filteredOn(
              o -> o.action().type() == ActionType.PROBE && o.driver().equals(Optional.of("ipmi")))
          .isNotEmpty();
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(FAILED);
      assertThat(h.worker2.powerOnRequests()).isEqualTo(wakesBefore);

      // The machine recovers (someone fixed it): the next probe finds it Ready and ACTIVE.
      h.worker2.inject(SimulatedFailures.NONE);
      for (int i = 0; i < 60 && e.record("worker-2").orElseThrow().state() == FAILED; i++) {
        h.clock.advance(STEP);
        e.reconcileOnce();
      }
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
    }
  }

  @Test
  void aRestartedEngineResumesFromTheStateStore() throws Exception {
    NodeStateStore store = NodeStateStore.inMemory();
    EngineHarness h = new EngineHarness(store);
    try (EcoKubeEngine first = h.engine(EnginePolicy.defaults()).build()) {
      first.reconcileOnce();
      h.addGpuPod();
      first.reconcileOnce();
      assertThat(first.record("worker-2").orElseThrow().state()).isEqualTo(BOOTING);
    }
    assertThat(store.load("worker-2").orElseThrow().state()).isEqualTo(BOOTING);

    try (EcoKubeEngine second = h.engine(EnginePolicy.defaults()).build()) {
      Plan p = second.reconcileOnce();
      // Resumed as BOOTING: no probe, no second wake.
      assertThat(p.actions()).isEmpty();
      assertThat(second.record("worker-2").orElseThrow().state()).isEqualTo(BOOTING);
      h.clock.advance(Duration.ofMinutes(2));
      second.reconcileOnce();
      assertThat(second.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(h.worker2.powerOnRequests()).isEqualTo(1);
      assertThat(store.load("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
    }
  }

  @Test
  void aDrainThatCannotCompleteIsUncordonedAndReported() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    // The drain runs into a pod that a disruption budget protects.
    ClusterActuator stubborn =
        new ForwardingActuator(h.cluster) {
          @Override
          public DrainResult drain(String node, Duration timeout) throws ActuatorException {
            h.cluster.addPod(PodInfo.running("video", "late-arrival", node, EngineHarness.GPU_POD));
            return new DrainResult(false, List.of("video/late-arrival"), "PDB refused eviction");
          }
        };
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (EcoKubeEngine e = h.engine(policy, stubborn).build()) {
      for (int i = 0;
          i < 100 && h.outcomes.stream().noneMatch(o -> o.action().type() == ActionType.DRAIN);
          i++) {
        e.reconcileOnce();
        h.clock.advance(STEP);
      }
      assertThat(h.outcomes)
          .filteredOn(o -> o.action().type() == ActionType.DRAIN)
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.result()).isEqualTo(ActionOutcome.Result.TIMED_OUT);
                assertThat(o.detail()).contains("PDB refused eviction");
              });
      Plan p = e.reconcileOnce();
      assertThat(p.actions())
          .singleElement()
          .satisfies(
              a -> assertThat(a.reason()).contains("did not complete").contains("PDB refused"));
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(h.cluster.cordoned("worker-2")).isFalse();
      assertThat(h.worker2.state()).isEqualTo(PowerState.ON);
    }
  }

  @Test
  void everyDecisionStepIsTimedInWallTimeWhileTheVirtualClockStandsStill() throws Exception {
    EngineHarness h = new EngineHarness();
    List<java.time.Duration> timings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.time.Instant before = h.clock.now();
    try (EcoKubeEngine e =
        io.ecokube.core.engine.EcoKubeEngine.builder()
            .clusterView(h.cluster)
            .actuator(h.cluster)
            .drivers(h::drivers)
            .clock(h.clock)
            .executor(ActionExecutor.inline())
            .decisionTimer(timings::add)
            .build()) {
      e.reconcileOnce();
      e.reconcileOnce();
      e.reconcileOnce();
    }
    assertThat(timings).hasSize(3).allSatisfy(d -> assertThat(d).isPositive());
    assertThat(h.clock.now()).isEqualTo(before);
  }

  @Test
  void aCostBudgetWithoutTheRunningCostIsRefusedAtBuild() {
    EngineHarness h = new EngineHarness();
    io.ecokube.core.engine.EcoKubeEngine.Builder b =
        io.ecokube.core.engine.EcoKubeEngine.builder()
            .clusterView(h.cluster)
            .actuator(h.cluster)
            .drivers(h::drivers)
            .policy(
                io.ecokube.core.policy.EnginePolicy.builder()
                    .budget(
                        new io.ecokube.core.policy.CostBudget(
                            java.util.OptionalDouble.of(1.0),
                            java.util.OptionalDouble.empty(),
                            java.time.Duration.ofDays(30),
                            java.time.Instant.EPOCH,
                            1_000_000_000))
                    .build());
    org.assertj.core.api.Assertions.assertThatThrownBy(b::build)
        .hasMessageContaining("needs the running cost: call costSoFar(");
  }

  @Test
  void listenerExceptionsAreCaughtAndOtherListenersStillHearEverything() throws Exception {
    EngineHarness h = new EngineHarness();
    EngineListener broken =
        new EngineListener() {
          @Override
          public void onPlan(Plan plan) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void onTransition(NodeTransition t) {
            throw new IllegalStateException("boom");
          }
        };
    try (EcoKubeEngine e =
        io.ecokube.core.engine.EcoKubeEngine.builder()
            .clusterView(h.cluster)
            .actuator(h.cluster)
            .drivers(h::drivers)
            .clock(h.clock)
            .executor(ActionExecutor.inline())
            .listener(broken)
            .listener(h)
            .build()) {
      e.reconcileOnce();
      h.addGpuPod();
      e.reconcileOnce();
      assertThat(h.statesOf("worker-2")).containsExactly(UNKNOWN, OFF, BOOTING);
    }
  }

  @Test
  void aFailingDemandSourceCountsAsStaleAndBlocksScaleDown() throws Exception {
    EngineHarness h = new EngineHarness();
    h.worker2.powerOn();
    h.clock.advance(Duration.ofMinutes(3));
    EnginePolicy policy = EnginePolicy.builder().minUptime(Duration.ZERO).build();
    try (EcoKubeEngine e =
        h.engine(policy)
            .demand(
                () -> {
                  throw new IllegalStateException("broker down");
                })
            .build()) {
      h.run(e, 100, STEP);
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(ACTIVE);
      assertThat(h.plans)
          .flatMap(Plan::heldBack)
          .anySatisfy(hb -> assertThat(hb.reason()).contains("demand source failed: broker down"));
    }
  }

  @Test
  void cycleLimitAndMinimumUptimeStopFlappingUnderAnOscillatingLoad() throws Exception {
    EngineHarness h = new EngineHarness();
    EnginePolicy policy =
        EnginePolicy.builder()
            .maxCyclesPerNodePerDay(4)
            .minUptime(Duration.ofMinutes(15))
            .demandStaleAfter(Duration.ofMinutes(5))
            .build();
    try (EcoKubeEngine e = h.engine(policy).demand(() -> Demand.none(h.clock.now())).build()) {
      // 24 h: 5 minutes with three GPU jobs, then 10 minutes quiet, over and over.
      List<String> running = new java.util.ArrayList<>();
      for (int minute = 0; minute < 24 * 60; minute++) {
        if (minute % 15 == 0) {
          for (int j = 0; j < 3; j++) {
            running.add(h.addGpuPod());
          }
        } else if (minute % 15 == 5) {
          running.forEach(h.cluster::deletePod);
          running.clear();
        }
        for (int s = 0; s < 6; s++) {
          e.reconcileOnce();
          h.clock.advance(STEP);
        }
      }
    }
    // Without limits the node would cycle 96 times; at most 4 power-ons in any 24 h.
    assertThat(h.worker2.powerOnRequests()).isBetween(1, 4);
    // And it never started draining within 15 minutes of coming up.
    java.time.Instant up = null;
    for (NodeTransition t : h.transitions) {
      if (!t.node().equals("worker-2")) {
        continue;
      }
      if (t.to() == ACTIVE && t.from() == BOOTING) {
        up = t.at();
      }
      if (t.to() == DRAINING) {
        assertThat(Duration.between(up, t.at())).isGreaterThanOrEqualTo(Duration.ofMinutes(15));
      }
    }
    assertThat(h.statesOf("worker-2")).contains(DRAINING, OFF);
  }

  @Test
  void wakeIsHeldBackByThePowerCapWithAReason() throws Exception {
    EngineHarness h = new EngineHarness();
    EnginePolicy policy = EnginePolicy.builder().clusterPowerCapWatts(400).build();
    try (EcoKubeEngine e = h.engine(policy).build()) {
      e.reconcileOnce();
      h.addGpuPod();
      Plan p = e.reconcileOnce();
      assertThat(p.actions()).isEmpty();
      assertThat(p.heldBack())
          .anySatisfy(
              hb -> {
                assertThat(hb.subject()).isEqualTo("worker-2");
                assertThat(hb.wanted()).isEqualTo(ActionType.WAKE);
                assertThat(hb.reason()).contains("above the cap of 400 W");
              });
      assertThat(e.record("worker-2").orElseThrow().state()).isEqualTo(NodeLifecycle.OFF);
    }
  }
}
