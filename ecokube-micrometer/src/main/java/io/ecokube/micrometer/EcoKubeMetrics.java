package io.ecokube.micrometer;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import io.ecokube.core.decision.HeldBackKind;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.NodeEnergy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eco-Kube's metrics on a Micrometer {@link MeterRegistry}: node lifecycle states, actions and
 * their results, wake latency and boot time, power draw, energy, cost and CO2 against the always-on
 * cluster, held-back decisions, forecast against actual demand and decision step duration. Names
 * and units follow Prometheus conventions once rendered by Micrometer's Prometheus registry ({@code
 * ecokube_power_savings_watts}, {@code ecokube_energy_saved_joules_total}); docs/metrics.md lists
 * every metric.
 *
 * <p>Add it to the engine as an {@link EngineListener}; give it the {@link EnergyLedger} for the
 * power and savings meters; wrap the engine's {@link ClusterView} with {@link
 * #observing(ClusterView)} for pod counts:
 *
 * <pre>{@code
 * EcoKubeMetrics metrics = EcoKubeMetrics.builder(registry).clock(clock).ledger(ledger).build();
 * EcoKubeEngine engine = EcoKubeEngine.builder()
 *     .clusterView(metrics.observing(view)).listener(metrics).listener(ledger)...build();
 * }</pre>
 *
 * <p>Thread-safe. Listener methods never throw: a failure is logged and the event dropped, so a
 * metrics problem cannot disturb the engine. Function meters hold this object weakly (Micrometer's
 * rule), so keep it reachable, as the engine does with its listeners; {@link #close()} removes
 * every meter it registered. Bind one instance per registry.
 */
public final class EcoKubeMetrics implements EngineListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeMetrics.class);

  /** The most distinct forecast series accepted; more would make an unbounded label. */
  static final int MAX_SERIES = 32;

  /**
   * How long one ledger report is reused: every ledger meter of one scrape reads the same account,
   * and a scrape costs one report rather than one per meter.
   */
  static final Duration REPORT_MAX_AGE = Duration.ofSeconds(1);

  // Booting a server takes from seconds (a VM, a warm BMC) to many minutes (POST with much RAM).
  private static final Duration[] BOOT_BUCKETS = {
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120),
    Duration.ofSeconds(180),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600),
    Duration.ofSeconds(900),
    Duration.ofSeconds(1800)
  };

  // A decision over hundreds of nodes takes well under a millisecond to tens of milliseconds.
  private static final Duration[] DECISION_BUCKETS = {
    Duration.ofNanos(100_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(1000)
  };

  private final MeterRegistry registry;
  private final Clock clock;
  private final Optional<EnergyLedger> ledger;
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();

  // Guarded by this.
  private final Map<String, NodeLifecycle> nodeStates = new HashMap<>();
  private final EnumMap<NodeLifecycle, Integer> stateCounts = new EnumMap<>(NodeLifecycle.class);

  private final Map<String, Instant> wakePlannedAt = new ConcurrentHashMap<>();
  private final Map<String, Instant> bootStartedAt = new ConcurrentHashMap<>();
  private final Timer wakeLatency;
  private final Timer bootTime;
  private final Timer decisionDuration;

  private final Map<String, AtomicLong> forecast = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> actual = new ConcurrentHashMap<>();

  private final AtomicBoolean podsBound = new AtomicBoolean();
  private final EnumMap<PodPhase, AtomicLong> pods = new EnumMap<>(PodPhase.class);

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

  private EcoKubeMetrics(Builder b) {
    this.registry = b.registry;
    this.clock = b.clock;
    this.ledger = Optional.ofNullable(b.ledger);
    for (NodeLifecycle s : NodeLifecycle.values()) {
      stateCounts.put(s, 0);
      keep(
          Gauge.builder("ecokube.nodes", this, m -> m.nodesIn(s))
              .description("Nodes in each Eco-Kube lifecycle state")
              .tag("state", label(s))
              .register(registry));
    }
    for (PodPhase p : PodPhase.values()) {
      pods.put(p, new AtomicLong());
    }
    wakeLatency =
        keep(
            Timer.builder("ecokube.wake.latency")
                .description("From the decision to wake a node to the node being ACTIVE")
                .serviceLevelObjectives(BOOT_BUCKETS)
                .register(registry));
    bootTime =
        keep(
            Timer.builder("ecokube.boot.duration")
                .description("From BOOTING to ACTIVE: how long a node takes to boot and be Ready")
                .serviceLevelObjectives(BOOT_BUCKETS)
                .register(registry));
    decisionDuration =
        keep(
            Timer.builder("ecokube.decision.duration")
                .description("Duration of one reconcile step's decision")
                .serviceLevelObjectives(DECISION_BUCKETS)
                .register(registry));
    ledger.ifPresent(this::bindLedger);
  }

  /** Starts a builder for metrics on the registry. */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  // ------------------------------------------------------------------ engine events

  /** Counts planned actions and held-back decisions; starts the wake latency of planned wakes. */
  @Override
  public void onPlan(Plan plan) {
    try {
      for (PlannedAction a : plan.actions()) {
        counter("ecokube.actions.planned", "Actions the engine planned", "action", label(a.type()))
            .increment();
        if (a.type() == ActionType.WAKE) {
          wakePlannedAt.putIfAbsent(a.node(), plan.at());
        }
      }
      for (HeldBack h : plan.heldBack()) {
        counter(
                "ecokube.decisions.held.back",
                "Decisions held back, by what held them back",
                "kind",
                HeldBackKind.of(h).label(),
                "action",
                label(h.wanted()))
            .increment();
      }
    } catch (RuntimeException e) {
      LOG.warn("metrics: plan at {} not counted", plan.at(), e);
    }
  }

  /** Counts the action's outcome by action, driver and result. */
  @Override
  public void onOutcome(ActionOutcome outcome) {
    try {
      counter(
              "ecokube.power.actions",
              "Actions carried out, by action, power driver and result",
              "action",
              label(outcome.action().type()),
              "driver",
              outcome.driver().orElse("none"),
              "result",
              outcome.result().name().toLowerCase(Locale.ROOT))
          .increment();
    } catch (RuntimeException e) {
      LOG.warn("metrics: outcome of {} not counted", outcome.action(), e);
    }
  }

  /** Moves the node between state gauges and records boot time and wake latency on ACTIVE. */
  @Override
  public void onTransition(NodeTransition t) {
    try {
      synchronized (this) {
        // A node's first transition also counts it: until then it was in no gauge.
        NodeLifecycle before = nodeStates.put(t.node(), t.to());
        if (before != null) {
          stateCounts.merge(before, -1, Integer::sum);
        }
        stateCounts.merge(t.to(), 1, Integer::sum);
      }
      counter(
              "ecokube.node.transitions",
              "Node lifecycle transitions",
              "from",
              label(t.from()),
              "to",
              label(t.to()))
          .increment();
      bindNodeEnergy(t.node());
      switch (t.to()) {
        case BOOTING -> bootStartedAt.put(t.node(), t.at());
        case ACTIVE -> {
          Instant booted = bootStartedAt.remove(t.node());
          if (booted != null && t.from() == NodeLifecycle.BOOTING) {
            bootTime.record(nonNegative(Duration.between(booted, t.at())));
          }
          Instant planned = wakePlannedAt.remove(t.node());
          if (planned != null) {
            wakeLatency.record(nonNegative(Duration.between(planned, t.at())));
          }
        }
        case OFF, FAILED -> {
          // A wake that did not end ACTIVE has no latency; a retry is timed on its own.
          bootStartedAt.remove(t.node());
          wakePlannedAt.remove(t.node());
        }
        default -> {}
      }
    } catch (RuntimeException e) {
      LOG.warn("metrics: transition of node {} not recorded", t.node(), e);
    }
  }

  /**
   * Counts a node in a state without a transition: for nodes the engine restored from its state
   * store, which keep their state until something changes. Later transitions move it on.
   */
  public void observeNode(String node, NodeLifecycle state) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(state, "state");
    synchronized (this) {
      NodeLifecycle before = nodeStates.put(node, state);
      if (before != null) {
        stateCounts.merge(before, -1, Integer::sum);
      }
      stateCounts.merge(state, 1, Integer::sum);
    }
    bindNodeEnergy(node);
  }

  /**
   * Records how long one decision took. The engine has no timing hook yet: until it has, the caller
   * times {@code reconcileOnce()} and reports here.
   */
  public void recordDecision(Duration took) {
    if (took.isNegative()) {
      throw new IllegalArgumentException("decision duration must not be negative, got " + took);
    }
    decisionDuration.record(took);
  }

  // ------------------------------------------------------------------ forecast and pods

  /**
   * Sets the latest forecast of a demand series (what the pre-wake component expects over its lead
   * time), in the series' unit.
   *
   * @param series a short, fixed name ({@code pods}, {@code arrivals}); at most 32 distinct series,
   *     others are dropped with a warning
   * @param value the expected demand, finite
   */
  public void recordForecast(String series, double value) {
    set(forecast, "ecokube.demand.forecast", "Forecast demand, in the series' unit", series, value);
  }

  /**
   * Sets the demand actually seen for a series, to set beside {@link #recordForecast}.
   *
   * @param series the series' name, as given to {@link #recordForecast}
   * @param value the demand seen now, finite
   */
  public void recordActual(String series, double value) {
    set(actual, "ecokube.demand.actual", "Demand seen, in the series' unit", series, value);
  }

  /**
   * A view that delegates to {@code view} and counts the workload pods of every snapshot by phase;
   * give it to the engine in place of {@code view}.
   */
  public ClusterView observing(ClusterView view) {
    Objects.requireNonNull(view, "view");
    bindPods();
    return () -> {
      ClusterSnapshot snap = view.snapshot();
      observe(snap);
      return snap;
    };
  }

  /** Counts the snapshot's workload pods (DaemonSet and mirror pods aside) by phase. */
  public void observe(ClusterSnapshot snapshot) {
    try {
      bindPods();
      EnumMap<PodPhase, Long> counts = new EnumMap<>(PodPhase.class);
      for (PodInfo p : snapshot.pods()) {
        if (p.kind().countsAsWork()) {
          counts.merge(p.phase(), 1L, Long::sum);
        }
      }
      for (PodPhase p : PodPhase.values()) {
        pods.get(p).set(counts.getOrDefault(p, 0L));
      }
      snapshot.nodes().forEach(n -> bindNodeEnergy(n.name()));
    } catch (RuntimeException e) {
      LOG.warn("metrics: snapshot at {} not counted", snapshot.takenAt(), e);
    }
  }

  /** Removes every meter this object registered. */
  @Override
  public void close() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
  }

  // ------------------------------------------------------------------ ledger meters

  private void bindLedger(EnergyLedger l) {
    String currency = l.report().currency();
    keep(
        Gauge.builder("ecokube.power", this, m -> m.safe(() -> l.watts()))
            .description("The cluster's power draw now")
            .baseUnit("watts")
            .register(registry));
    keep(
        Gauge.builder("ecokube.power.always.on", this, m -> m.safe(() -> l.alwaysOnWatts()))
            .description("What the cluster would draw now with every node on")
            .baseUnit("watts")
            .register(registry));
    keep(
        Gauge.builder(
                "ecokube.power.savings", this, m -> m.safe(() -> l.alwaysOnWatts() - l.watts()))
            .description("Always-on draw minus actual draw, now")
            .baseUnit("watts")
            .register(registry));
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
      bindNodeEnergy(n.node());
    }
  }

  private void ledgerCounter(
      String name, String description, String unit, ToDoubleFunction<Ledger> f, String... tags) {
    keep(
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
            .register(registry));
  }

  private void bindNodeEnergy(String node) {
    if (ledger.isEmpty() || !nodeEnergyBound.add(node)) {
      return;
    }
    keep(
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
            .register(registry));
  }

  /** The current ledger account, reused within {@link #REPORT_MAX_AGE}; null if unreadable. */
  private Ledger ledgerNow() {
    if (ledger.isEmpty()) {
      return null;
    }
    synchronized (reportLock) {
      try {
        Instant now = clock.now();
        if (cached != null && now.isBefore(cached.at().plus(REPORT_MAX_AGE))) {
          return cached;
        }
        EnergyReport r = ledger.get().report();
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

  // ------------------------------------------------------------------ helpers

  private synchronized double nodesIn(NodeLifecycle s) {
    return stateCounts.get(s);
  }

  private double safe(DoubleSupplier f) {
    try {
      return f.getAsDouble();
    } catch (RuntimeException e) {
      LOG.warn("metrics: energy ledger unreadable", e);
      return Double.NaN;
    }
  }

  private void bindPods() {
    if (!podsBound.compareAndSet(false, true)) {
      return;
    }
    for (PodPhase p : PodPhase.values()) {
      AtomicLong v = pods.get(p);
      keep(
          Gauge.builder("ecokube.pods", v, AtomicLong::get)
              .description("Workload pods by phase (DaemonSet and mirror pods aside)")
              .tag("phase", p.name().toLowerCase(Locale.ROOT))
              .strongReference(true)
              .register(registry));
    }
  }

  private void set(
      Map<String, AtomicLong> values,
      String name,
      String description,
      String series,
      double value) {
    Objects.requireNonNull(series, "series");
    if (series.isBlank()) {
      throw new IllegalArgumentException("series name must not be blank");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "demand of series '" + series + "' must be a finite number, got " + value);
    }
    AtomicLong holder = values.get(series);
    if (holder == null) {
      if (values.size() >= MAX_SERIES) {
        LOG.warn(
            "metrics: series '{}' dropped: at most {} series are exported for {}",
            series,
            MAX_SERIES,
            name);
        return;
      }
      holder =
          values.computeIfAbsent(
              series,
              k -> {
                AtomicLong h = new AtomicLong(Double.doubleToLongBits(value));
                keep(
                    Gauge.builder(name, h, x -> Double.longBitsToDouble(x.get()))
                        .description(description)
                        .tag("series", k)
                        .strongReference(true)
                        .register(registry));
                return h;
              });
    }
    holder.set(Double.doubleToLongBits(value));
  }

  private Counter counter(String name, String description, String... tags) {
    return keep(Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Builds {@link EcoKubeMetrics}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Clock clock = Clock.system();
    private EnergyLedger ledger;

    private Builder(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * The clock the engine and the ledger run on (default the system clock); decides when a ledger
     * report is stale.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The ledger behind the power, energy, cost and CO2 meters (default none: no such meters). */
    public Builder ledger(EnergyLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** Registers the meters and returns the listener. */
    public EcoKubeMetrics build() {
      return new EcoKubeMetrics(this);
    }
  }
}
