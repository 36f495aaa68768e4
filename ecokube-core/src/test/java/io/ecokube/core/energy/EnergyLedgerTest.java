package io.ecokube.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnergyLedgerTest {
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
  private static final NodeSpec NODE = NodeSpec.builder("n1").power(PROFILE).build();

  private final ManualClock clock = new ManualClock();
  private final Instant t0 = clock.now();

  private void go(EnergyLedger ledger, int second, NodeLifecycle from, NodeLifecycle to) {
    clock.set(t0.plusSeconds(second));
    ledger.onTransition(new NodeTransition("n1", from, to, clock.now(), "test"));
  }

  @Test
  void integratesEveryStateByHand() {
    FlatTariff tariff = new FlatTariff(1.5, 0.2, 400, "EUR");
    EnergyLedger ledger = EnergyLedger.builder(clock).tariff(tariff).build();
    ledger.register(NODE, NodeLifecycle.OFF);
    go(ledger, 100, NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    go(ledger, 160, NodeLifecycle.BOOTING, NodeLifecycle.ACTIVE);
    clock.set(t0.plusSeconds(260));
    ledger.utilisation("n1", 0.5);
    go(ledger, 460, NodeLifecycle.ACTIVE, NodeLifecycle.DRAINING);
    ledger.utilisation("n1", 0);
    go(ledger, 470, NodeLifecycle.DRAINING, NodeLifecycle.SHUTTING_DOWN);
    go(ledger, 490, NodeLifecycle.SHUTTING_DOWN, NodeLifecycle.OFF);
    clock.set(t0.plusSeconds(600));

    EnergyReport r = ledger.report();
    NodeEnergy n = r.nodes().get(0);
    // off: 5 W x (100 s + 110 s); booting: 150 W x 60 s; active: 100 W x 100 s + 150 W x 200 s;
    // draining: 100 W x 10 s; shutting down: 150 W x 20 s.
    assertThat(n.joulesByState())
        .containsEntry(NodeLifecycle.OFF, 1050.0)
        .containsEntry(NodeLifecycle.BOOTING, 9000.0)
        .containsEntry(NodeLifecycle.ACTIVE, 40000.0)
        .containsEntry(NodeLifecycle.DRAINING, 1000.0)
        .containsEntry(NodeLifecycle.SHUTTING_DOWN, 3000.0);
    assertThat(n.seconds()).containsEntry(NodeLifecycle.OFF, 210.0);
    assertThat(r.actual().joules()).isEqualTo(54050.0);
    // Always on: idle 100 W for 260 s, 150 W for 200 s, idle again for 140 s.
    assertThat(r.alwaysOn().joules()).isEqualTo(70000.0);
    double kwh = 54050 / 3.6e6;
    assertThat(r.actual().kwh()).isCloseTo(kwh, within(1e-12));
    assertThat(r.actual().cost()).isCloseTo(kwh * 1.5 * 0.2, within(1e-12));
    assertThat(r.actual().gramsCo2()).isCloseTo(kwh * 1.5 * 400, within(1e-9));
    assertThat(r.saved().joules()).isEqualTo(15950.0);
    assertThat(r.savedFraction()).isCloseTo(15950.0 / 70000, within(1e-12));
    assertThat(r.summary()).contains("saved 22.8 % of the always-on energy");
  }

  @Test
  void pricesEachHourAtItsOwnTariff() {
    ManualClock c = new ManualClock(Instant.parse("2026-01-01T10:59:00Z"));
    Tariff hourly =
        new Tariff() {
          @Override
          public double pue() {
            return 1;
          }

          @Override
          public double pricePerKwh(Instant at) {
            return at.isBefore(Instant.parse("2026-01-01T11:00:00Z")) ? 0.1 : 1.0;
          }

          @Override
          public double gramsCo2PerKwh(Instant at) {
            return at.isBefore(Instant.parse("2026-01-01T11:00:00Z")) ? 100 : 500;
          }

          @Override
          public String currency() {
            return "EUR";
          }
        };
    EnergyLedger ledger = EnergyLedger.builder(c).tariff(hourly).build();
    ledger.register(NODE, NodeLifecycle.ACTIVE);
    c.advance(Duration.ofMinutes(2));
    EnergyReport r = ledger.report();
    double kwhPerMinute = 100 * 60 / 3.6e6;
    assertThat(r.actual().cost()).isCloseTo(kwhPerMinute * 0.1 + kwhPerMinute * 1.0, within(1e-12));
    assertThat(r.actual().gramsCo2()).isCloseTo(kwhPerMinute * 600, within(1e-9));
  }

  @Test
  void measuredWattsReplaceTheModelWhileFresh() {
    PowerMeter meter =
        new PowerMeter() {
          @Override
          public String name() {
            return "test-meter";
          }

          @Override
          public Optional<PowerReading> read(String node) {
            // Always the reading taken at t0, so it goes stale as the clock moves on.
            return Optional.of(new PowerReading(node, 130, t0, "test-meter", true));
          }
        };
    EnergyLedger ledger =
        EnergyLedger.builder(clock).meter(meter).maxReadingAge(Duration.ofSeconds(150)).build();
    ledger.register(NODE, NodeLifecycle.ACTIVE);
    ledger.readMeter();
    assertThat(ledger.watts()).isEqualTo(130.0);
    clock.advance(Duration.ofSeconds(100));
    ledger.readMeter(); // still fresh: 100 s old
    clock.advance(Duration.ofSeconds(100));
    ledger.readMeter(); // 200 s old: the model takes over
    assertThat(ledger.watts()).isEqualTo(100.0);
    clock.advance(Duration.ofSeconds(100));
    EnergyReport r = ledger.report();
    assertThat(r.actual().joules()).isEqualTo(130.0 * 200 + 100.0 * 100);
    // The always-on counterfactual of a node that is on is what it really drew.
    assertThat(r.alwaysOn().joules()).isEqualTo(r.actual().joules());
  }

  @Test
  void unknownAndFailedNodesAreAssumedToIdleAndUnregisteredNodesIgnored() {
    EnergyLedger ledger = EnergyLedger.builder(clock).build();
    ledger.register(NODE, NodeLifecycle.UNKNOWN);
    ledger.onTransition(
        new NodeTransition("other", NodeLifecycle.OFF, NodeLifecycle.BOOTING, t0, "not ours"));
    clock.advance(Duration.ofSeconds(10));
    ledger.onTransition(
        new NodeTransition("n1", NodeLifecycle.UNKNOWN, NodeLifecycle.FAILED, clock.now(), "x"));
    clock.advance(Duration.ofSeconds(10));
    assertThat(ledger.report().actual().joules()).isEqualTo(2000.0);
    assertThat(ledger.report().nodes()).hasSize(1);
  }

  @Test
  void aRestartedLedgerContinuesTheStoredTotals() {
    EnergyLedger first = EnergyLedger.builder(clock).build();
    first.register(NODE, NodeLifecycle.ACTIVE);
    clock.set(t0.plusSeconds(100));
    LedgerCheckpoint stored = first.checkpoint();
    assertThat(stored.actual().joules()).isEqualTo(10_000.0);
    assertThat(stored.since()).isEqualTo(t0);

    clock.set(t0.plusSeconds(150));
    EnergyLedger second = EnergyLedger.builder(clock).build();
    second.continueFrom(stored);
    second.register(NODE, NodeLifecycle.OFF);
    clock.set(t0.plusSeconds(250));
    EnergyReport r = second.report();
    // 10,000 J before the restart plus 5 W x 100 s after it; always-on adds idle 100 W x 100 s.
    assertThat(r.actual().joules()).isEqualTo(10_500.0);
    assertThat(r.alwaysOn().joules()).isEqualTo(20_000.0);
    assertThat(r.from()).isEqualTo(t0);
    assertThat(second.checkpoint().actual().joules()).isEqualTo(10_500.0);
  }

  @Test
  void aLedgerThatAlreadyCountsCannotTakeEarlierTotals() {
    EnergyLedger ledger = EnergyLedger.builder(clock).build();
    ledger.register(NODE, NodeLifecycle.ACTIVE);
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> ledger.continueFrom(LedgerCheckpoint.empty(t0)))
        .withMessageContaining("continue before registering");
  }

  @Test
  void aRecalibratedModelAppliesFromThenOn() {
    EnergyLedger ledger = EnergyLedger.builder(clock).build();
    ledger.register(NODE, NodeLifecycle.ACTIVE);
    clock.set(t0.plusSeconds(100));
    PowerProfile learned =
        new PowerProfile(5, 60, 260, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
    ledger.recalibrate("n1", learned);
    ledger.recalibrate("unknown", learned);
    clock.set(t0.plusSeconds(200));
    // 100 W idle for 100 s on the configured model, then 60 W for 100 s on the learned one.
    assertThat(ledger.report().actual().joules()).isEqualTo(16000.0);
    assertThat(ledger.powerModel("n1")).contains(learned);
    assertThat(ledger.powerModel("unknown")).isEmpty();
  }
}
