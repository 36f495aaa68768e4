package io.ecokube.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionOutcome.Result;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.FlatTariff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EcoKubeMetricsTest {
  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));
  private static final double PUE = 1.5;
  private static final double PRICE = 0.30;
  private static final double GRAMS = 400;

  private final ManualClock clock = new ManualClock();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EnergyLedger ledger =
      EnergyLedger.builder(clock).tariff(new FlatTariff(PUE, PRICE, GRAMS, "EUR")).build();

  private Scrape scrape() {
    return new Scrape(registry.scrape());
  }

  private EcoKubeMetrics metrics() {
    return EcoKubeMetrics.builder(registry).clock(clock).build();
  }

  private void transition(EcoKubeMetrics m, String node, NodeLifecycle from, NodeLifecycle to) {
    NodeTransition t = new NodeTransition(node, from, to, clock.now(), "test");
    m.onTransition(t);
    ledger.onTransition(t);
  }

  private static double cost(double joules) {
    return joules / 3.6e6 * PUE * PRICE;
  }

  private static double grams(double joules) {
    return joules / 3.6e6 * PUE * GRAMS;
  }

  @Test
  void everyLifecycleStateIsExportedAndNodesMoveBetweenThem() {
    EcoKubeMetrics m = metrics();
    Scrape empty = scrape();
    for (NodeLifecycle s : NodeLifecycle.values()) {
      String label = s.name().toLowerCase();
      assertThat(empty.value("ecokube_nodes{state=\"" + label + "\"}")).isZero();
    }

    m.observeNode("a", NodeLifecycle.ACTIVE);
    m.observeNode("b", NodeLifecycle.OFF);
    // c was never observed: its first transition counts it.
    transition(m, "c", NodeLifecycle.UNKNOWN, NodeLifecycle.OFF);
    transition(m, "b", NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    transition(m, "a", NodeLifecycle.ACTIVE, NodeLifecycle.DRAINING);

    Scrape s = scrape();
    assertThat(s.value("ecokube_nodes{state=\"active\"}")).isZero();
    assertThat(s.value("ecokube_nodes{state=\"draining\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_nodes{state=\"booting\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_nodes{state=\"off\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_nodes{state=\"unknown\"}")).isZero();
    assertThat(s.value("ecokube_node_transitions_total{from=\"off\",to=\"booting\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_node_transitions_total{from=\"unknown\",to=\"off\"}")).isEqualTo(1);

    // Observing a node again moves it rather than counting it twice.
    m.observeNode("a", NodeLifecycle.ACTIVE);
    Scrape again = scrape();
    assertThat(again.value("ecokube_nodes{state=\"active\"}")).isEqualTo(1);
    assertThat(again.value("ecokube_nodes{state=\"draining\"}")).isZero();
  }

  @Test
  void wakeLatencyRunsFromThePlanAndBootTimeFromBootingToActive() {
    EcoKubeMetrics m = metrics();
    m.observeNode("w1", NodeLifecycle.OFF);
    PlannedAction wake = new PlannedAction("w1", ActionType.WAKE, "3 pods pending");
    m.onPlan(new Plan(clock.now(), List.of(wake), List.of()));
    clock.advance(Duration.ofSeconds(2));
    transition(m, "w1", NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    // The engine may plan the same wake again before it is dispatched: latency keeps the first.
    m.onPlan(new Plan(clock.now(), List.of(wake), List.of()));
    clock.advance(Duration.ofSeconds(90));
    transition(m, "w1", NodeLifecycle.BOOTING, NodeLifecycle.ACTIVE);

    Scrape s = scrape();
    assertThat(s.value("ecokube_wake_latency_seconds_count")).isEqualTo(1);
    assertThat(s.value("ecokube_wake_latency_seconds_sum")).isEqualTo(92.0);
    assertThat(s.value("ecokube_wake_latency_seconds_bucket{le=\"90.0\"}")).isZero();
    assertThat(s.value("ecokube_wake_latency_seconds_bucket{le=\"120.0\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_boot_duration_seconds_count")).isEqualTo(1);
    assertThat(s.value("ecokube_boot_duration_seconds_sum")).isEqualTo(90.0);
    assertThat(s.value("ecokube_boot_duration_seconds_bucket{le=\"90.0\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_actions_planned_total{action=\"wake\"}")).isEqualTo(2);

    // A wake that fails records neither; the retry is timed from its own plan.
    m.onPlan(
        new Plan(clock.now(), List.of(new PlannedAction("w2", ActionType.WAKE, "r")), List.of()));
    transition(m, "w2", NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    clock.advance(Duration.ofMinutes(10));
    transition(m, "w2", NodeLifecycle.BOOTING, NodeLifecycle.OFF);
    m.onPlan(
        new Plan(clock.now(), List.of(new PlannedAction("w2", ActionType.WAKE, "r")), List.of()));
    transition(m, "w2", NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    clock.advance(Duration.ofSeconds(30));
    transition(m, "w2", NodeLifecycle.BOOTING, NodeLifecycle.ACTIVE);
    // A node that turns ACTIVE without a planned wake (found on) has no wake latency.
    transition(m, "w3", NodeLifecycle.UNKNOWN, NodeLifecycle.ACTIVE);

    Scrape after = scrape();
    assertThat(after.value("ecokube_wake_latency_seconds_count")).isEqualTo(2);
    assertThat(after.value("ecokube_wake_latency_seconds_sum")).isEqualTo(122.0);
    assertThat(after.value("ecokube_boot_duration_seconds_count")).isEqualTo(2);
    assertThat(after.value("ecokube_boot_duration_seconds_sum")).isEqualTo(120.0);
    assertThat(after.value("ecokube_boot_duration_seconds_max")).isEqualTo(90.0);
  }

  @Test
  void outcomesAreCountedByActionDriverAndResult() {
    EcoKubeMetrics m = metrics();
    PlannedAction wake = new PlannedAction("w1", ActionType.WAKE, "demand");
    PlannedAction off = new PlannedAction("w2", ActionType.POWER_OFF, "idle");
    Instant now = clock.now();
    m.onOutcome(new ActionOutcome(wake, Result.SUCCEEDED, Optional.of("wol"), "sent", now));
    m.onOutcome(new ActionOutcome(wake, Result.SUCCEEDED, Optional.of("wol"), "sent", now));
    m.onOutcome(new ActionOutcome(off, Result.TIMED_OUT, Optional.of("ssh"), "no answer", now));
    m.onOutcome(new ActionOutcome(off, Result.FAILED, Optional.of("ipmi"), "auth", now));
    m.onOutcome(
        new ActionOutcome(
            new PlannedAction("w3", ActionType.DRAIN, "idle"),
            Result.SKIPPED,
            Optional.empty(),
            "dry run",
            now));

    Scrape s = scrape();
    String f = "ecokube_power_actions_total{action=\"%s\",driver=\"%s\",result=\"%s\"}";
    assertThat(s.value(String.format(f, "wake", "wol", "succeeded"))).isEqualTo(2);
    assertThat(s.value(String.format(f, "power_off", "ssh", "timed_out"))).isEqualTo(1);
    assertThat(s.value(String.format(f, "power_off", "ipmi", "failed"))).isEqualTo(1);
    assertThat(s.value(String.format(f, "drain", "none", "skipped"))).isEqualTo(1);
  }

  @Test
  void heldBackDecisionsAreCountedByKindNotByReasonText() {
    EcoKubeMetrics m = metrics();
    List<HeldBack> held =
        List.of(
            new HeldBack("w1", ActionType.POWER_OFF, "guard: node w1 runs pod shop/web-1"),
            new HeldBack(
                "w2",
                ActionType.WAKE,
                "waking w2 would raise the cluster's projected draw to 900 W, above the cap of"
                    + " 800 W"),
            new HeldBack(
                "w3",
                ActionType.WAKE,
                "waking w3 would raise pool gpu's projected draw to 900 W, above its cap of 500"
                    + " W"));
    m.onPlan(new Plan(clock.now(), List.of(), held));
    m.onPlan(new Plan(clock.now(), List.of(), held.subList(1, 2)));

    Scrape s = scrape();
    assertThat(s.value("ecokube_decisions_held_back_total{action=\"power_off\",kind=\"guard\"}"))
        .isEqualTo(1);
    assertThat(s.value("ecokube_decisions_held_back_total{action=\"wake\",kind=\"power_cap\"}"))
        .isEqualTo(3);
  }

  @Test
  void ledgerMetersReportPowerEnergyCostAndCo2AgainstAlwaysOn() {
    ledger.register(NodeSpec.builder("a").power(PROFILE).build(), NodeLifecycle.ACTIVE);
    ledger.register(NodeSpec.builder("b").power(PROFILE).build(), NodeLifecycle.OFF);
    EcoKubeMetrics m = EcoKubeMetrics.builder(registry).clock(clock).ledger(ledger).build();
    m.observeNode("a", NodeLifecycle.ACTIVE);
    m.observeNode("b", NodeLifecycle.OFF);
    clock.advance(Duration.ofHours(1));

    // a idles at 100 W, b is off at 5 W; always-on would idle both at 100 W.
    Scrape s = scrape();
    assertThat(s.value("ecokube_power_watts")).isEqualTo(105);
    assertThat(s.value("ecokube_power_always_on_watts")).isEqualTo(200);
    assertThat(s.value("ecokube_power_savings_watts")).isEqualTo(95);
    assertThat(s.value("ecokube_energy_joules_total{scenario=\"actual\"}")).isEqualTo(378_000);
    assertThat(s.value("ecokube_energy_joules_total{scenario=\"always_on\"}")).isEqualTo(720_000);
    assertThat(s.value("ecokube_energy_saved_joules_total")).isEqualTo(342_000);
    assertThat(s.value("ecokube_node_energy_joules_total{node=\"a\"}")).isEqualTo(360_000);
    assertThat(s.value("ecokube_node_energy_joules_total{node=\"b\"}")).isEqualTo(18_000);
    assertThat(s.value("ecokube_cost_total{currency=\"EUR\",scenario=\"actual\"}"))
        .isCloseTo(cost(378_000), within(1e-12));
    assertThat(s.value("ecokube_cost_saved_total{currency=\"EUR\"}"))
        .isCloseTo(0.04275, within(1e-12));
    assertThat(s.value("ecokube_co2_grams_total{scenario=\"always_on\"}"))
        .isCloseTo(grams(720_000), within(1e-9));
    assertThat(s.value("ecokube_co2_saved_grams_total")).isCloseTo(57.0, within(1e-9));

    // Booting b draws 150 W, more than always-on's 100 W: the net saving dips to 337 500 J,
    // the counter holds its high mark rather than going down.
    transition(m, "b", NodeLifecycle.OFF, NodeLifecycle.BOOTING);
    clock.advance(Duration.ofSeconds(90));
    Scrape booting = scrape();
    assertThat(booting.value("ecokube_power_savings_watts")).isEqualTo(-50);
    assertThat(booting.value("ecokube_energy_joules_total{scenario=\"actual\"}"))
        .isEqualTo(400_500);
    assertThat(booting.value("ecokube_energy_saved_joules_total")).isEqualTo(342_000);

    // b runs 10 minutes, goes off for an hour: the saving passes its high mark and is exact again.
    transition(m, "b", NodeLifecycle.BOOTING, NodeLifecycle.ACTIVE);
    clock.advance(Duration.ofMinutes(10));
    transition(m, "b", NodeLifecycle.ACTIVE, NodeLifecycle.OFF);
    clock.advance(Duration.ofHours(1));
    Scrape later = scrape();
    assertThat(later.value("ecokube_energy_saved_joules_total")).isEqualTo(337_500 + 342_000);
    assertThat(later.value("ecokube_co2_saved_grams_total"))
        .isCloseTo(grams(679_500), within(1e-9));
    assertThat(later.value("ecokube_nodes{state=\"off\"}")).isEqualTo(1);
  }

  @Test
  void forecastAndActualAreSetPerSeries() {
    EcoKubeMetrics m = metrics();
    m.recordForecast("pods", 12);
    m.recordActual("pods", 9);
    m.recordForecast("pods", 14);
    m.recordForecast("arrivals", 2.5);

    Scrape s = scrape();
    assertThat(s.value("ecokube_demand_forecast{series=\"pods\"}")).isEqualTo(14);
    assertThat(s.value("ecokube_demand_actual{series=\"pods\"}")).isEqualTo(9);
    assertThat(s.value("ecokube_demand_forecast{series=\"arrivals\"}")).isEqualTo(2.5);

    assertThatThrownBy(() -> m.recordForecast("pods", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("series 'pods'")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> m.recordActual(" ", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
  }

  @Test
  void forecastSeriesAreCappedSoTheLabelStaysBounded() {
    EcoKubeMetrics m = metrics();
    for (int i = 0; i < EcoKubeMetrics.MAX_SERIES + 5; i++) {
      m.recordForecast("s" + i, i);
    }
    Scrape s = scrape();
    assertThat(
            s.has("ecokube_demand_forecast{series=\"s" + (EcoKubeMetrics.MAX_SERIES - 1) + "\"}"))
        .isTrue();
    assertThat(s.has("ecokube_demand_forecast{series=\"s" + EcoKubeMetrics.MAX_SERIES + "\"}"))
        .isFalse();
  }

  @Test
  void decisionDurationsAreRecorded() {
    EcoKubeMetrics m = metrics();
    m.recordDecision(Duration.ofMillis(3));
    m.recordDecision(Duration.ofNanos(200_000));
    Scrape s = scrape();
    assertThat(s.value("ecokube_decision_duration_seconds_count")).isEqualTo(2);
    assertThat(s.value("ecokube_decision_duration_seconds_sum")).isCloseTo(0.0032, within(1e-12));
    assertThat(s.value("ecokube_decision_duration_seconds_bucket{le=\"5.0E-4\"}")).isEqualTo(1);
    assertThatThrownBy(() -> m.recordDecision(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void theObservingViewCountsWorkloadPodsByPhase() {
    EcoKubeMetrics m = metrics();
    SchedulingRequirements one = SchedulingRequirements.of(Resources.request(1000, 1L << 30, 0));
    List<PodInfo> pods =
        List.of(
            PodInfo.running("shop", "web-1", "a", one),
            PodInfo.running("shop", "web-2", "a", one),
            PodInfo.pending("shop", "web-3", one),
            new PodInfo(
                "kube-system",
                "kepler-x",
                PodKind.DAEMONSET,
                PodPhase.RUNNING,
                Optional.of("a"),
                one,
                Optional.empty(),
                0,
                Optional.empty()));
    ClusterView view = m.observing(() -> new ClusterSnapshot(clock.now(), List.of(), pods));
    assertThat(view.snapshot().pods()).hasSize(4);

    Scrape s = scrape();
    assertThat(s.value("ecokube_pods{phase=\"running\"}")).isEqualTo(2);
    assertThat(s.value("ecokube_pods{phase=\"pending\"}")).isEqualTo(1);
    assertThat(s.value("ecokube_pods{phase=\"succeeded\"}")).isZero();
  }

  @Test
  void aRegistryFailureNeverReachesTheEngine() {
    // A user's meter filter that breaks on one name: that meter cannot be registered at all.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                if (id.getName().equals("ecokube.power.actions")) {
                  throw new IllegalStateException("broken filter");
                }
                return id;
              }
            });
    assertThatThrownBy(
            () -> Counter.builder("ecokube.power.actions").tag("action", "x").register(registry))
        .hasMessage("broken filter");

    EcoKubeMetrics m = metrics();
    PlannedAction wake = new PlannedAction("w1", ActionType.WAKE, "demand");
    assertThatCode(
            () ->
                m.onOutcome(
                    new ActionOutcome(
                        wake, Result.SUCCEEDED, Optional.of("wol"), "ok", clock.now())))
        .doesNotThrowAnyException();
    m.onPlan(new Plan(clock.now(), List.of(wake), List.of()));
    assertThat(scrape().value("ecokube_actions_planned_total{action=\"wake\"}")).isEqualTo(1);
  }

  @Test
  void concurrentTransitionsKeepTheStateCountsConsistent() throws Exception {
    EcoKubeMetrics m = metrics();
    int threads = 8;
    int rounds = 1000;
    NodeLifecycle[] cycle = {
      NodeLifecycle.OFF,
      NodeLifecycle.BOOTING,
      NodeLifecycle.ACTIVE,
      NodeLifecycle.DRAINING,
      NodeLifecycle.SHUTTING_DOWN
    };
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      String node = "n" + i;
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int r = 0; r < rounds; r++) {
                  NodeLifecycle from = cycle[r % cycle.length];
                  NodeLifecycle to = cycle[(r + 1) % cycle.length];
                  m.onTransition(new NodeTransition(node, from, to, clock.now(), "test"));
                }
              },
              "metrics-test-" + i);
      t.start();
      workers.add(t);
    }
    go.countDown();
    for (Thread t : workers) {
      t.join();
    }

    Scrape s = scrape();
    // 1000 transitions from OFF end every node in cycle[1000 % 5] = OFF.
    assertThat(s.value("ecokube_nodes{state=\"off\"}")).isEqualTo(threads);
    double total = 0;
    for (NodeLifecycle st : NodeLifecycle.values()) {
      total += s.value("ecokube_nodes{state=\"" + st.name().toLowerCase() + "\"}");
    }
    assertThat(total).isEqualTo(threads);
    assertThat(s.value("ecokube_node_transitions_total{from=\"off\",to=\"booting\"}"))
        .isEqualTo(threads * rounds / cycle.length);
  }

  @Test
  void closeRemovesEveryMeter() {
    ledger.register(NodeSpec.builder("a").power(PROFILE).build(), NodeLifecycle.ACTIVE);
    EcoKubeMetrics m = EcoKubeMetrics.builder(registry).clock(clock).ledger(ledger).build();
    m.onPlan(
        new Plan(
            clock.now(), List.of(new PlannedAction("a", ActionType.DRAIN, "idle")), List.of()));
    m.recordForecast("pods", 1);
    m.observe(ClusterSnapshot.empty(clock.now()));
    assertThat(scrape().families()).contains("ecokube_nodes", "ecokube_power_watts");

    m.close();
    assertThat(scrape().families()).noneMatch(n -> n.startsWith("ecokube_"));
  }
}
