package io.ecokube.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure state machine: record in, record out. */
class LifecycleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final EnginePolicy POLICY =
      EnginePolicy.builder()
          .retryBackoff(Duration.ofSeconds(10))
          .maxRetryBackoff(Duration.ofSeconds(60))
          .attemptsPerDriver(2)
          .bootTimeoutGrace(Duration.ofSeconds(20))
          .shutdownTimeoutGrace(Duration.ofSeconds(20))
          .build();
  private static final NodeSpec SPEC =
      NodeSpec.builder("n")
          .power(
              new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(100), Duration.ofSeconds(30)))
          .build();

  private static ClusterNode node(boolean ready, boolean cordoned) {
    return new ClusterNode(SPEC, ready, cordoned);
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    assertThat(Lifecycle.backoff(POLICY, 1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(Lifecycle.backoff(POLICY, 2)).isEqualTo(Duration.ofSeconds(20));
    assertThat(Lifecycle.backoff(POLICY, 3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(Lifecycle.backoff(POLICY, 4)).isEqualTo(Duration.ofSeconds(60));
    assertThat(Lifecycle.backoff(POLICY, 40)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void bootTimeoutRetriesThenFallsBackThenQuarantines() {
    NodeRecord r = NodeRecord.initial(NodeLifecycle.OFF, T0);
    Instant now = T0;
    // Two drivers can wake the node, two attempts each: four boots, then FAILED.
    int[] expectedDriver = {0, 1, 1};
    int[] expectedAttempts = {1, 0, 1};
    for (int i = 0; i < 3; i++) {
      r = Lifecycle.dispatched(r, ActionType.WAKE, now, "wake").record();
      assertThat(r.state()).isEqualTo(NodeLifecycle.BOOTING);
      // Before the timeout (boot 100 s + grace 20 s) nothing happens.
      now = now.plusSeconds(119);
      assertThat(Lifecycle.observe(r, node(false, true), POLICY, now, 2, 1).changed()).isFalse();
      now = now.plusSeconds(1);
      Lifecycle.Step s = Lifecycle.observe(r, node(false, true), POLICY, now, 2, 1);
      r = s.record();
      assertThat(r.state()).isEqualTo(NodeLifecycle.OFF);
      assertThat(r.driverIndex()).isEqualTo(expectedDriver[i]);
      assertThat(r.attempts()).isEqualTo(expectedAttempts[i]);
      assertThat(r.lastError()).hasValueSatisfying(e -> assertThat(e).contains("within 120 s"));
      now = Lifecycle.retryAt(POLICY, r);
    }
    r = Lifecycle.dispatched(r, ActionType.WAKE, now, "wake").record();
    now = now.plusSeconds(120);
    Lifecycle.Step last = Lifecycle.observe(r, node(false, true), POLICY, now, 2, 1);
    assertThat(last.record().state()).isEqualTo(NodeLifecycle.FAILED);
    assertThat(last.reason()).hasValueSatisfying(s -> assertThat(s).contains("quarantined"));
  }

  @Test
  void aFailureRetryingCannotFixFallsBackAtOnce() {
    NodeRecord booting =
        Lifecycle.dispatched(NodeRecord.initial(NodeLifecycle.OFF, T0), ActionType.WAKE, T0, "w")
            .record();
    Lifecycle.Step s =
        Lifecycle.actionFailed(
            booting, ActionType.WAKE, "AUTHENTICATION: bad password", false, POLICY, T0, 2);
    assertThat(s.record().state()).isEqualTo(NodeLifecycle.OFF);
    assertThat(s.record().driverIndex()).isEqualTo(1);
    assertThat(s.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("falling back to driver #2"));
  }

  @Test
  void readyAfterBootBecomesActiveAndCountsAPowerOn() {
    NodeRecord booting =
        Lifecycle.dispatched(NodeRecord.initial(NodeLifecycle.OFF, T0), ActionType.WAKE, T0, "w")
            .record();
    Instant now = T0.plusSeconds(90);
    // Ready but still cordoned: waits for the UNCORDON.
    assertThat(Lifecycle.observe(booting, node(true, true), POLICY, now, 1, 1).changed()).isFalse();
    NodeRecord active = Lifecycle.uncordoned(booting, now).record();
    assertThat(active.state()).isEqualTo(NodeLifecycle.ACTIVE);
    assertThat(active.powerOns()).containsExactly(now);

    // Ready and uncordoned: ACTIVE straight away.
    NodeRecord direct = Lifecycle.observe(booting, node(true, false), POLICY, now, 1, 1).record();
    assertThat(direct.state()).isEqualTo(NodeLifecycle.ACTIVE);
    assertThat(direct.powerOns()).containsExactly(now);
  }

  @Test
  void shutdownCompletesWhenNotReadyAfterTheShutdownTime() {
    NodeRecord draining = NodeRecord.initial(NodeLifecycle.DRAINING, T0);
    NodeRecord down = Lifecycle.dispatched(draining, ActionType.POWER_OFF, T0, "off").record();
    assertThat(down.state()).isEqualTo(NodeLifecycle.SHUTTING_DOWN);
    assertThat(
            Lifecycle.observe(down, node(false, true), POLICY, T0.plusSeconds(29), 1, 1).changed())
        .isFalse();
    NodeRecord off =
        Lifecycle.observe(down, node(false, true), POLICY, T0.plusSeconds(30), 1, 1).record();
    assertThat(off.state()).isEqualTo(NodeLifecycle.OFF);
    assertThat(off.lastPoweredOff()).contains(T0.plusSeconds(30));
  }

  @Test
  void aNodeStillReadyAfterShutdownTimeoutGoesBackToDrainingForTheNextStep() {
    NodeRecord down =
        Lifecycle.dispatched(
                NodeRecord.initial(NodeLifecycle.DRAINING, T0), ActionType.POWER_OFF, T0, "off")
            .record();
    Lifecycle.Step s = Lifecycle.observe(down, node(true, true), POLICY, T0.plusSeconds(50), 1, 3);
    assertThat(s.record().state()).isEqualTo(NodeLifecycle.DRAINING);
    assertThat(s.record().attempts()).isEqualTo(1);
    Lifecycle.Step spent =
        Lifecycle.observe(
            new NodeRecord(
                NodeLifecycle.SHUTTING_DOWN,
                T0,
                List.of(),
                Optional.empty(),
                1,
                2,
                Optional.empty()),
            node(true, true),
            POLICY,
            T0.plusSeconds(50),
            1,
            3);
    assertThat(spent.record().state()).isEqualTo(NodeLifecycle.FAILED);
  }

  @Test
  void probesResolveUnknownAndFailedNodes() {
    NodeRecord unknown = NodeRecord.initial(NodeLifecycle.UNKNOWN, T0);
    assertThat(
            Lifecycle.probed(
                    unknown, Optional.of(PowerState.OFF), Optional.empty(), false, POLICY, T0)
                .record()
                .state())
        .isEqualTo(NodeLifecycle.OFF);
    assertThat(
            Lifecycle.probed(unknown, Optional.empty(), Optional.empty(), false, POLICY, T0)
                .record()
                .state())
        .isEqualTo(NodeLifecycle.OFF);
    assertThat(
            Lifecycle.probed(unknown, Optional.empty(), Optional.empty(), true, POLICY, T0)
                .record()
                .state())
        .isEqualTo(NodeLifecycle.ACTIVE);

    NodeRecord failed = NodeRecord.initial(NodeLifecycle.FAILED, T0);
    Lifecycle.Step again =
        Lifecycle.probed(failed, Optional.empty(), Optional.of("unreachable"), false, POLICY, T0);
    assertThat(again.record().state()).isEqualTo(NodeLifecycle.FAILED);
    assertThat(again.record().attempts()).isEqualTo(1);
    Lifecycle.Step third =
        Lifecycle.probed(
            again.record(), Optional.empty(), Optional.of("unreachable"), false, POLICY, T0);
    assertThat(third.reason())
        .hasValueSatisfying(r -> assertThat(r).contains("next probe in 20 s"));
    assertThat(
            Lifecycle.probed(
                    third.record(),
                    Optional.of(PowerState.OFF),
                    Optional.empty(),
                    false,
                    POLICY,
                    T0)
                .record())
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(NodeLifecycle.OFF);
              assertThat(r.attempts()).isZero();
            });
  }

  @Test
  void cyclesAreCountedOverTheLastDay() {
    NodeRecord r =
        new NodeRecord(
            NodeLifecycle.ACTIVE,
            T0,
            List.of(T0.minus(Duration.ofHours(25)), T0.minus(Duration.ofHours(2)), T0),
            Optional.empty(),
            0,
            0,
            Optional.empty());
    assertThat(Lifecycle.cyclesWithinDay(r, T0)).isEqualTo(2);
  }
}
