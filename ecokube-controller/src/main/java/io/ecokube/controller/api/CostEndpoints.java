package io.ecokube.controller.api;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.time.Clock;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.NodeEnergy;
import io.ecokube.prometheus.attribution.Attribution;
import io.ecokube.prometheus.attribution.Components;
import io.ecokube.prometheus.attribution.PodKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code /cost/...} and {@code /savings}: money and carbon now, over a period, per hour and per
 * workload. Cluster figures come from the ledger (every node, modelled or measured, priced hour by
 * hour, beside always-on); namespace and workload figures from Kepler's counters.
 */
final class CostEndpoints {
  private static final Duration MAX_PERIOD = Duration.ofDays(31);

  private final Clock clock;
  private final Optional<EnergyLedger> ledger;
  private final Optional<LedgerHistory> history;
  private final Optional<PowerAttribution> attribution;
  private final Function<PodKey, Optional<WorkloadRef>> owners;
  private final Money money;
  private final PowerEndpoints power;

  CostEndpoints(
      Clock clock,
      Optional<EnergyLedger> ledger,
      Optional<LedgerHistory> history,
      Optional<PowerAttribution> attribution,
      Function<PodKey, Optional<WorkloadRef>> owners,
      Money money,
      PowerEndpoints power) {
    this.clock = clock;
    this.ledger = ledger;
    this.history = history;
    this.attribution = attribution;
    this.owners = owners;
    this.money = money;
    this.power = power;
  }

  /** The running rate: cost and CO2 per hour at the power drawn now. */
  Object current(Map<String, String> q) {
    Params.only(q, Set.of("namespace", "workload"));
    Optional<String> ns = Params.name(q, "namespace");
    Optional<String> workload = Params.name(q, "workload");
    Instant now = clock.now();
    if (ns.isEmpty() && workload.isEmpty()) {
      EnergyLedger l = ledger();
      Map<String, Object> out = head(now, now, "ledger");
      out.put("rate", money.perHour(l.watts(), now));
      out.put("always_on_rate", money.perHour(l.alwaysOnWatts(), now));
      return out;
    }
    Attribution a = power.power();
    double watts =
        a.byPod().entrySet().stream()
            .filter(e -> power.matches(e.getKey(), ns, workload))
            .mapToDouble(e -> e.getValue().total())
            .sum();
    Map<String, Object> out = head(now, now, "kepler");
    out.put("namespace", ns.orElse(null));
    out.put("workload", workload.orElse(null));
    out.put("rate", money.perHour(watts, now));
    return out;
  }

  /**
   * Totals over a period: the cluster's from the ledger, a namespace's or workload's from Kepler.
   */
  Object range(Map<String, String> q) {
    Params.only(q, Set.of("from", "to", "namespace", "workload"));
    Optional<String> ns = Params.name(q, "namespace");
    Optional<String> workload = Params.name(q, "workload");
    Instant[] p = Params.period(q, clock.now(), Duration.ofHours(1), MAX_PERIOD);
    if (ns.isEmpty() && workload.isEmpty()) {
      LedgerHistory.Period period = history().between(p[0], p[1]);
      Map<String, Object> out = head(period.from(), period.to(), "ledger");
      out.put("actual", money.of(period.actual()));
      out.put("always_on", money.of(period.alwaysOn()));
      out.put("saved", money.of(period.saved()));
      return out;
    }
    Attribution a = PowerEndpoints.read(() -> power.attribution().energy(p[0], p[1]));
    Components sum = Components.ZERO;
    int pods = 0;
    for (Map.Entry<PodKey, Components> e : a.byPod().entrySet()) {
      if (power.matches(e.getKey(), ns, workload)) {
        sum = sum.plus(e.getValue());
        pods++;
      }
    }
    Map<String, Object> out = head(p[0], p[1], "kepler");
    out.put("namespace", ns.orElse(null));
    out.put("workload", workload.orElse(null));
    out.put("pods", pods);
    out.put("actual", money.of(priced(sum.total(), p[0], p[1])));
    return out;
  }

  /** One row per clock hour (UTC) of the period, from the ledger. */
  Object hourly(Map<String, String> q) {
    Params.only(q, Set.of("from", "to"));
    Instant[] p = Params.period(q, clock.now(), Duration.ofHours(24), MAX_PERIOD);
    LedgerHistory h = history();
    List<Object> hours = new ArrayList<>();
    Instant hour = p[0].truncatedTo(ChronoUnit.HOURS);
    while (hour.isBefore(p[1])) {
      Instant next = hour.plus(Duration.ofHours(1));
      Instant f = hour.isBefore(p[0]) ? p[0] : hour;
      Instant t = next.isAfter(p[1]) ? p[1] : next;
      LedgerHistory.Period period = h.between(f, t);
      if (period.from().isBefore(period.to())) {
        hours.add(
            Json.obj(
                "hour", hour.toString(),
                "from", period.from().toString(),
                "to", period.to().toString(),
                "actual", money.of(period.actual()),
                "always_on", money.of(period.alwaysOn()),
                "saved", money.of(period.saved())));
      }
      hour = next;
    }
    Map<String, Object> out = head(p[0], p[1], "ledger");
    out.put("covered_from", h.since().toString());
    out.put("hours", hours);
    return out;
  }

  /** {@code /cost/workloads/{namespace}/{name}}: one workload's energy and cost over a period. */
  Object workload(String rest, Map<String, String> q) {
    Params.only(q, Set.of("from", "to", "kind"));
    String[] parts = rest.split("/", -1);
    if (parts.length != 2) {
      throw ApiProblem.of(
          404,
          "Not found",
          "use /api/v1/cost/workloads/{namespace}/{name}, got /api/v1/cost/workloads/" + rest);
    }
    String ns = Params.name(Map.of("namespace", parts[0]), "namespace").orElseThrow();
    String name = Params.name(Map.of("name", parts[1]), "name").orElseThrow();
    Optional<String> kind = Optional.ofNullable(q.get("kind"));
    Instant[] p = Params.period(q, clock.now(), Duration.ofHours(1), MAX_PERIOD);
    Attribution a = PowerEndpoints.read(() -> power.attribution().energy(p[0], p[1]));
    Map<WorkloadRef, Components> all = a.byWorkload(owners);
    List<Map.Entry<WorkloadRef, Components>> hits =
        all.entrySet().stream()
            .filter(e -> e.getKey().namespace().equals(ns) && e.getKey().name().equals(name))
            .filter(e -> kind.map(e.getKey().kind()::equals).orElse(true))
            .toList();
    if (hits.isEmpty()) {
      throw ApiProblem.of(
          404,
          "Not found",
          "no workload "
              + ns
              + "/"
              + name
              + kind.map(k -> " of kind " + k).orElse("")
              + " drew energy between "
              + p[0]
              + " and "
              + p[1]
              + "; check the namespace and name with /api/v1/power/workloads");
    }
    Components sum =
        hits.stream().map(Map.Entry::getValue).reduce(Components.ZERO, Components::plus);
    Map<String, Object> out = head(p[0], p[1], "kepler");
    out.put("namespace", ns);
    out.put("name", name);
    out.put("kind", hits.get(0).getKey().kind());
    out.put("joules", Json.round(sum.total()));
    out.put("gpu_joules", Json.round(sum.gpu()));
    out.put("actual", money.of(priced(sum.total(), p[0], p[1])));
    return out;
  }

  /** The ledger's report against always-on, since it started (earlier runs included). */
  Object savings() {
    EnergyReport r = ledger().report();
    Map<String, Object> out = head(r.from(), r.to(), "ledger");
    out.put("actual", money.of(r.actual()));
    out.put("always_on", money.of(r.alwaysOn()));
    out.put("saved", money.of(r.saved()));
    out.put("saved_fraction", Json.round(r.savedFraction()));
    List<Object> nodes = new ArrayList<>();
    for (NodeEnergy n : r.nodes()) {
      Map<String, Object> seconds = new TreeMap<>();
      n.seconds().forEach((s, v) -> seconds.put(s.name(), Json.round(v)));
      nodes.add(
          Json.obj(
              "node", n.node(),
              "actual", money.of(n.actual()),
              "always_on", money.of(n.alwaysOn()),
              "saved", money.of(n.alwaysOn().minus(n.actual())),
              "seconds_by_state", seconds));
    }
    out.put("nodes", nodes);
    return out;
  }

  /**
   * Prices Kepler joules over a period at the tariff's mean over its hours (exact for a flat
   * tariff; an hourly tariff would need Kepler's energy hour by hour, one query per hour).
   */
  private EnergyTotals priced(double joules, Instant from, Instant to) {
    long hours = Math.max(1, Duration.between(from, to).toHours());
    double cost = 0;
    double grams = 0;
    for (long h = 0; h < hours; h++) {
      EnergyTotals t = money.price(joules / hours, from.plus(Duration.ofHours(h)));
      cost += t.cost();
      grams += t.gramsCo2();
    }
    return new EnergyTotals(joules, cost, grams);
  }

  private Map<String, Object> head(Instant from, Instant to, String source) {
    return Json.obj(
        "from", from.toString(),
        "to", to.toString(),
        "source", source,
        "currency", money.currency(),
        "carbon_price_per_kg", money.carbonPricePerKg());
  }

  private EnergyLedger ledger() {
    return ledger.orElseThrow(
        () -> ApiProblem.of(503, "No ledger", "this server accounts no nodes"));
  }

  private LedgerHistory history() {
    return history.orElseThrow(
        () -> ApiProblem.of(503, "No ledger", "this server accounts no nodes"));
  }
}
