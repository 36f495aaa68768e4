package io.ecokube.micrometer;

import io.ecokube.api.time.Clock;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.NodeEnergy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters read from the {@link EnergyLedger}: power now and always-on, energy, cost and CO2 of
 * both scenarios, what was saved (never decreasing), and each node's energy. One scrape reads one
 * ledger report, reused for {@link EcoKubeMetrics#REPORT_MAX_AGE}.
 */
final class LedgerMeters {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeMetrics.class);

  private final MeterSet meters;
  private final Clock clock;
  private final EnergyLedger ledger;
  private final Set<String> nodeEnergyBound = ConcurrentHashMap.newKeySet();

  // Guarded by reportLock.
  private final Object reportLock = new Object();
  private Ledger cached;
  private double savedJoulesHigh;
  private double savedCostHigh;
  private double savedGramsHigh;

  /** One ledger account with its per-node index and the monotonic saved totals. */
  private record Ledger(
      Instant at,
      EnergyReport report,
      Map<String, NodeEnergy> nodes,
      double savedJoules,
      double savedCost,
      double savedGrams) {}

  LedgerMeters(MeterSet meters, Clock clock, EnergyLedger ledger) {
    this.meters = meters;
    this.clock = clock;
    this.ledger = ledger;
    bind(ledger);
  }

  private void bind(EnergyLedger l) {
    String currency = l.report().currency();
    meters.keep(
        Gauge.builder("ecokube.power", this, m -> m.safe(() -> l.watts()))
            .description("The cluster's power draw now")
            .baseUnit("watts")
            .register(meters.registry));
    meters.keep(
        Gauge.builder("ecokube.power.always.on", this, m -> m.safe(() -> l.alwaysOnWatts()))
            .description("What the cluster would draw now with every node on")
            .baseUnit("watts")
            .register(meters.registry));
    meters.keep(
        Gauge.builder(
                "ecokube.power.savings", this, m -> m.safe(() -> l.alwaysOnWatts() - l.watts()))
            .description("Always-on draw minus actual draw, now")
            .baseUnit("watts")
            .register(meters.registry));
    for (String scenario : new String[] {"actual", "always_on"}) {
      boolean act = scenario.equals("actual");
      ToDoubleFunction<Ledger> totals =
          x -> act ? x.report().actual().joules() : x.report().alwaysOn().joules();
      ledgerCounter(
          "ecokube.energy",
          "IT energy drawn, and what always-on would have drawn",
          "joules",
          totals,
          "scenario",
          scenario);
      ledgerCounter(
          "ecokube.cost",
          "Facility energy cost (kWh x PUE x price), and always-on's",
          null,
          x -> act ? x.report().actual().cost() : x.report().alwaysOn().cost(),
          "scenario",
          scenario,
          "currency",
          currency);
      ledgerCounter(
          "ecokube.co2",
          "Facility CO2 (kWh x PUE x grid intensity), and always-on's",
          "grams",
          x -> act ? x.report().actual().gramsCo2() : x.report().alwaysOn().gramsCo2(),
          "scenario",
          scenario);
    }
    ledgerCounter(
        "ecokube.energy.saved",
        "IT energy saved against always-on (held at its high while a boot costs extra)",
        "joules",
        Ledger::savedJoules);
    ledgerCounter(
        "ecokube.cost.saved",
        "Cost saved against always-on (held at its high while a boot costs extra)",
        null,
        Ledger::savedCost,
        "currency",
        currency);
    ledgerCounter(
        "ecokube.co2.saved",
        "CO2 saved against always-on (held at its high while a boot costs extra)",
        "grams",
        Ledger::savedGrams);
    for (NodeEnergy n : l.report().nodes()) {
      bindNode(n.node());
    }
  }

  private void ledgerCounter(
      String name, String description, String unit, ToDoubleFunction<Ledger> f, String... tags) {
    meters.keep(
        FunctionCounter.builder(
                name,
                this,
                m -> {
                  Ledger x = m.ledgerNow();
                  // Prometheus rejects a negative counter outright; fail soft instead.
                  return x == null ? 0 : Math.max(0, f.applyAsDouble(x));
                })
            .description(description)
            .baseUnit(unit)
            .tags(tags)
            .register(meters.registry));
  }

  /** Registers the node's energy counter, once. */
  void bindNode(String node) {
    if (!nodeEnergyBound.add(node)) {
      return;
    }
    meters.keep(
        FunctionCounter.builder(
                "ecokube.node.energy",
                this,
                m -> {
                  Ledger x = m.ledgerNow();
                  NodeEnergy e = x == null ? null : x.nodes().get(node);
                  return e == null ? 0 : Math.max(0, e.actual().joules());
                })
            .description("IT energy drawn by each node; its rate is the node's power")
            .baseUnit("joules")
            .tag("node", node)
            .register(meters.registry));
  }

  /**
   * The current ledger account, reused within {@link EcoKubeMetrics#REPORT_MAX_AGE}; null if
   * unreadable.
   */
  private Ledger ledgerNow() {
    synchronized (reportLock) {
      try {
        Instant now = clock.now();
        if (cached != null && now.isBefore(cached.at().plus(EcoKubeMetrics.REPORT_MAX_AGE))) {
          return cached;
        }
        EnergyReport r = ledger.report();
        Map<String, NodeEnergy> byNode = new HashMap<>();
        r.nodes().forEach(n -> byNode.put(n.node(), n));
        EnergyTotals saved = r.saved();
        // Counters only rise: a boot briefly draws more than always-on, so hold the high mark.
        savedJoulesHigh = Math.max(savedJoulesHigh, saved.joules());
        savedCostHigh = Math.max(savedCostHigh, saved.cost());
        savedGramsHigh = Math.max(savedGramsHigh, saved.gramsCo2());
        cached = new Ledger(now, r, byNode, savedJoulesHigh, savedCostHigh, savedGramsHigh);
        return cached;
      } catch (RuntimeException e) {
        LOG.warn("metrics: energy ledger unreadable", e);
        return cached;
      }
    }
  }

  private double safe(DoubleSupplier f) {
    try {
      return f.getAsDouble();
    } catch (RuntimeException e) {
      LOG.warn("metrics: energy ledger unreadable", e);
      return Double.NaN;
    }
  }
}
