package io.ecokube.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.ManualClock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.metering.Metering;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Meter samples become a learned power model in the ledger, on virtual time. */
class CalibrationWiringTest {
  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private EcoKubeConfig config() {
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      return ConfigLoader.using(none)
          .parse(
              """
              nodes:
                - name: n1
                  allocatable: {cpu: "8", memory: 16Gi}
                  power: {offWatts: 5, idleWatts: 120, maxWatts: 300}
              meters:
                kepler: {url: "http://127.0.0.1:9"}
              calibration: {interval: 1h, window: 1d, minRSquared: 0.9}
              """,
              "c.yaml");
    }
  }

  @Test
  void aRefitReplacesTheModelTheLedgerAccountsWith() {
    EcoKubeConfig config = config();
    CalibrationWiring w = CalibrationWiring.of(config, Metering.of(config), registry).orElseThrow();
    EnergyLedger ledger = EnergyLedger.builder(clock).build();
    ledger.register(config.node("n1").orElseThrow(), NodeLifecycle.ACTIVE);
    w.start(ledger, Optional.empty(), clock);
    try {
      // Too few samples: the configured model stays.
      w.sample("n1", clock.now(), 0.1, 100);
      assertThat(w.refit().get("n1").learned()).isFalse();
      // The machine really draws 80 W idle and 280 W at full load.
      for (int i = 0; i < 40; i++) {
        clock.advance(Duration.ofMinutes(1));
        double u = (i % 10) / 10.0;
        w.sample("n1", clock.now(), u, 80 + 200 * u + (i % 3 - 1));
      }
      // A reading seen twice and one of a node not configured are ignored.
      w.sample("n1", clock.now(), 0.5, 999);
      w.sample("other", clock.now(), 0.5, 999);
      LearnedPowerModel.Result r = w.refit().get("n1");
      assertThat(r.learned()).as(r.why()).isTrue();
      PowerProfile p = ledger.powerModel("n1").orElseThrow();
      assertThat(p.idleWatts()).isCloseTo(80, within(2.0));
      assertThat(p.maxWatts()).isCloseTo(280, within(3.0));
      assertThat(p.offWatts()).isEqualTo(5);
      assertThat(w.learned().get("n1").samples()).isEqualTo(41);
      assertThat(
              registry.get("ecokube.calibration.fits").tag("outcome", "learned").counter().count())
          .isEqualTo(1);
      // Idle now costs the learned 80 W, not the configured 120 W.
      double before = ledger.report().actual().joules();
      clock.advance(Duration.ofSeconds(100));
      assertThat(ledger.report().actual().joules() - before)
          .isCloseTo(100 * p.idleWatts(), within(1e-6));
    } finally {
      w.stop();
    }
  }
}
