package io.ecokube.micrometer;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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

  private final MeterSet meters;
  private final NodeMeters nodes;
  private final DemandMeters demand;
  private final Timer decisionDuration;
  private final Optional<LedgerMeters> ledger;

  private EcoKubeMetrics(Builder b) {
    this.meters = new MeterSet(b.registry);
    this.nodes = new NodeMeters(meters);
    this.demand = new DemandMeters(meters);
    decisionDuration =
        meters.keep(
            Timer.builder("ecokube.decision.duration")
                .description("Duration of one reconcile step's decision")
                .serviceLevelObjectives(DECISION_BUCKETS)
                .register(meters.registry));
    this.ledger = Optional.ofNullable(b.ledger).map(l -> new LedgerMeters(meters, b.clock, l));
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
        meters
            .counter(
                "ecokube.actions.planned", "Actions the engine planned", "action", label(a.type()))
            .increment();
        if (a.type() == ActionType.WAKE) {
          nodes.wakePlanned(a.node(), plan.at());
        }
      }
      for (HeldBack h : plan.heldBack()) {
        meters
            .counter(
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
      meters
          .counter(
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
      nodes.transition(t);
      bindNodeEnergy(t.node());
      nodes.time(t);
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
    nodes.observe(node, state);
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
    demand.forecast(series, value);
  }

  /**
   * Sets the demand actually seen for a series, to set beside {@link #recordForecast}.
   *
   * @param series the series' name, as given to {@link #recordForecast}
   * @param value the demand seen now, finite
   */
  public void recordActual(String series, double value) {
    demand.actual(series, value);
  }

  /**
   * A view that delegates to {@code view} and counts the workload pods of every snapshot by phase;
   * give it to the engine in place of {@code view}.
   */
  public ClusterView observing(ClusterView view) {
    Objects.requireNonNull(view, "view");
    demand.bindPods();
    return () -> {
      ClusterSnapshot snap = view.snapshot();
      observe(snap);
      return snap;
    };
  }

  /** Counts the snapshot's workload pods (DaemonSet and mirror pods aside) by phase. */
  public void observe(ClusterSnapshot snapshot) {
    try {
      demand.countPods(snapshot);
      snapshot.nodes().forEach(n -> bindNodeEnergy(n.name()));
    } catch (RuntimeException e) {
      LOG.warn("metrics: snapshot at {} not counted", snapshot.takenAt(), e);
    }
  }

  /** Removes every meter this object registered. */
  @Override
  public void close() {
    meters.removeAll();
  }

  private void bindNodeEnergy(String node) {
    ledger.ifPresent(l -> l.bindNode(node));
  }

  private static String label(Enum<?> e) {
    return MeterSet.label(e);
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
