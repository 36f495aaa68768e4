package io.ecokube.core.energy;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts every node's energy over time from its lifecycle state, beside the always-on
 * counterfactual on the same demand.
 *
 * <p>Between two events a node draws a constant power: {@code offWatts} when OFF, {@code
 * transitionWatts} while BOOTING or SHUTTING_DOWN, {@link PowerProfile#wattsAt(double)} at its
 * current utilisation when ACTIVE or DRAINING, and idle watts when UNKNOWN or FAILED (the state of
 * such a machine is not known, so the ledger assumes it draws). Where a {@link PowerMeter} has a
 * reading no older than the configured age for a node that is on, the measured watts replace the
 * model. The always-on counterfactual draws, for every node at every moment, what the node would
 * draw on at the same utilisation: idle when it has no work.
 *
 * <p>Energy is integrated in slices that never cross a clock hour, and each slice is priced at its
 * start, so an hourly {@link Tariff} is honoured exactly. Feed it transitions (it is an {@link
 * EngineListener}) and utilisation changes; {@link #report()} accounts up to the clock's now.
 * Thread-safe.
 */
public final class EnergyLedger implements EngineListener {
  private static final Logger LOG = LoggerFactory.getLogger(EnergyLedger.class);

  private final Clock clock;
  private Tariff tariff;
  private final Optional<PowerMeter> meter;
  private final Duration maxReadingAge;
  private final Map<String, Account> accounts = new LinkedHashMap<>();
  private final Instant start;
  private LedgerCheckpoint carried;

  private EnergyLedger(Builder b) {
    this.clock = b.clock;
    this.tariff = b.tariff;
    this.meter = Optional.ofNullable(b.meter);
    this.maxReadingAge = b.maxReadingAge;
    this.start = clock.now();
    this.carried = LedgerCheckpoint.empty(start);
  }

  /**
   * Continues the totals of an earlier run (a checkpoint stored in the cluster): reports from now
   * on start at its {@code since} and include its totals. Only a ledger that has accounted nothing
   * yet may continue one, so nothing is counted twice.
   *
   * @throws IllegalStateException when this ledger has already accounted a node
   */
  public synchronized void continueFrom(LedgerCheckpoint earlier) {
    Objects.requireNonNull(earlier, "earlier");
    if (!accounts.isEmpty()) {
      throw new IllegalStateException(
          "the ledger already accounts " + accounts.size() + " nodes; continue before registering");
    }
    this.carried = earlier;
  }

  /** The cumulative totals now, earlier runs included, for storing. */
  public synchronized LedgerCheckpoint checkpoint() {
    EnergyReport r = report();
    return new LedgerCheckpoint(r.from(), r.to(), r.actual(), r.alwaysOn());
  }

  /** Starts a builder. */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  /**
   * Starts accounting a node from now.
   *
   * @param node the node
   * @param state its lifecycle state now
   */
  public synchronized void register(NodeSpec node, NodeLifecycle state) {
    if (accounts.containsKey(node.name())) {
      throw new IllegalArgumentException("node '" + node.name() + "' is already in the ledger");
    }
    accounts.put(node.name(), new Account(node, state, clock.now()));
  }

  /** Records a lifecycle change at the transition's instant. Unknown nodes are ignored. */
  @Override
  public synchronized void onTransition(NodeTransition t) {
    Account a = accounts.get(t.node());
    if (a == null) {
      LOG.debug("transition of node {} not in the ledger ignored", t.node());
      return;
    }
    a.accrueTo(t.at());
    a.state = t.to();
    if (!a.on()) {
      a.measured = Optional.empty();
    }
  }

  /**
   * Records a node's utilisation (requested or used CPU share, in [0, 1]) from now on. Unknown
   * nodes are ignored.
   */
  public synchronized void utilisation(String node, double utilisation) {
    if (!Double.isFinite(utilisation) || utilisation < 0) {
      throw new IllegalArgumentException(
          "utilisation of node '" + node + "' must be in [0, 1], got " + utilisation);
    }
    Account a = accounts.get(node);
    if (a != null) {
      a.accrueTo(clock.now());
      a.utilisation = Math.min(1, utilisation);
    }
  }

  /**
   * Replaces a node's power model from now on (a calibration learned it from meter readings); what
   * was accounted before stays. Unknown nodes are ignored.
   */
  public synchronized void recalibrate(String node, PowerProfile power) {
    Objects.requireNonNull(power, "power");
    Account a = accounts.get(node);
    if (a != null) {
      a.accrueTo(clock.now());
      a.spec = a.spec.toBuilder().power(power).build();
    }
  }

  /** A node's power model as the ledger uses it now, when the node is accounted. */
  public synchronized Optional<PowerProfile> powerModel(String node) {
    return Optional.ofNullable(accounts.get(node)).map(a -> a.spec.power());
  }

  /**
   * Reads the power meter for every node now; fresh readings replace the model for nodes that are
   * on until the next read. A meter failure is logged and the model used.
   */
  public void readMeter() {
    if (meter.isEmpty()) {
      return;
    }
    List<String> names;
    synchronized (this) {
      names = new ArrayList<>(accounts.keySet());
    }
    Map<String, PowerReading> readings;
    try {
      readings = meter.get().readAll(names);
    } catch (PowerException e) {
      LOG.warn(
          "power meter {} unreadable, using the power model: {}",
          meter.get().name(),
          e.getMessage());
      readings = Map.of();
    }
    synchronized (this) {
      Instant now = clock.now();
      for (Account a : accounts.values()) {
        a.accrueTo(now);
        PowerReading r = readings.get(a.spec.name());
        boolean fresh = r != null && !r.at().isBefore(now.minus(maxReadingAge));
        a.measured = fresh && a.on() ? Optional.of(r.watts()) : Optional.empty();
      }
    }
  }

  /** The cluster's draw now, in watts. */
  public synchronized double watts() {
    return accounts.values().stream().mapToDouble(Account::watts).sum();
  }

  /** Each node's draw now, in watts, by node name. */
  public synchronized Map<String, Double> wattsByNode() {
    Map<String, Double> out = new LinkedHashMap<>();
    accounts.forEach((name, a) -> out.put(name, a.watts()));
    return out;
  }

  /**
   * Prices and weighs energy with a new tariff from now on (a changed CostPolicy): what was used so
   * far keeps the tariff it was used under.
   */
  public synchronized void changeTariff(Tariff next) {
    Objects.requireNonNull(next, "next");
    Instant now = clock.now();
    accounts.values().forEach(a -> a.accrueTo(now));
    this.tariff = next;
  }

  /** What the cluster would draw now with every node on, in watts. */
  public synchronized double alwaysOnWatts() {
    return accounts.values().stream().mapToDouble(Account::alwaysOnWatts).sum();
  }

  /** The account from the ledger's start up to the clock's now. */
  public synchronized EnergyReport report() {
    Instant now = clock.now();
    List<NodeEnergy> nodes = new ArrayList<>();
    EnergyTotals actual = EnergyTotals.ZERO;
    EnergyTotals alwaysOn = EnergyTotals.ZERO;
    for (Account a : accounts.values()) {
      a.accrueTo(now);
      nodes.add(
          new NodeEnergy(a.spec.name(), a.joulesByState, a.actual, a.alwaysOn, a.secondsByState));
      actual = actual.plus(a.actual);
      alwaysOn = alwaysOn.plus(a.alwaysOn);
    }
    return new EnergyReport(
        carried.since(),
        now,
        tariff.currency(),
        carried.actual().plus(actual),
        carried.alwaysOn().plus(alwaysOn),
        nodes);
  }

  private final class Account {
    NodeSpec spec;
    NodeLifecycle state;
    double utilisation;
    Optional<Double> measured = Optional.empty();
    Instant accountedTo;
    final Map<NodeLifecycle, Double> joulesByState = new EnumMap<>(NodeLifecycle.class);
    final Map<NodeLifecycle, Double> secondsByState = new EnumMap<>(NodeLifecycle.class);
    EnergyTotals actual = EnergyTotals.ZERO;
    EnergyTotals alwaysOn = EnergyTotals.ZERO;

    Account(NodeSpec spec, NodeLifecycle state, Instant at) {
      this.spec = spec;
      this.state = Objects.requireNonNull(state, "state");
      this.accountedTo = at;
    }

    boolean on() {
      return state == NodeLifecycle.ACTIVE || state == NodeLifecycle.DRAINING;
    }

    double watts() {
      PowerProfile p = spec.power();
      return switch (state) {
        case OFF -> p.offWatts();
        case BOOTING, SHUTTING_DOWN -> p.transitionWatts();
        case ACTIVE, DRAINING -> measured.orElseGet(() -> p.wattsAt(utilisation));
        case UNKNOWN, FAILED -> p.idleWatts();
      };
    }

    double alwaysOnWatts() {
      return on() ? watts() : spec.power().wattsAt(utilisation);
    }

    void accrueTo(Instant to) {
      if (!to.isAfter(accountedTo)) {
        return;
      }
      double w = watts();
      double cw = alwaysOnWatts();
      Instant t = accountedTo;
      while (t.isBefore(to)) {
        Instant hourEnd = t.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant sliceEnd = hourEnd.isBefore(to) ? hourEnd : to;
        double seconds = Duration.between(t, sliceEnd).toNanos() / 1e9;
        double price = tariff.pricePerKwh(t);
        double grams = tariff.gramsCo2PerKwh(t);
        actual = actual.plus(priced(w * seconds, price, grams));
        alwaysOn = alwaysOn.plus(priced(cw * seconds, price, grams));
        joulesByState.merge(state, w * seconds, Double::sum);
        secondsByState.merge(state, seconds, Double::sum);
        t = sliceEnd;
      }
      accountedTo = to;
    }

    private EnergyTotals priced(double joules, double price, double grams) {
      double facilityKwh = joules / 3.6e6 * tariff.pue();
      return new EnergyTotals(joules, facilityKwh * price, facilityKwh * grams);
    }
  }

  /** Builds an {@link EnergyLedger}. */
  public static final class Builder {
    private final Clock clock;
    private Tariff tariff = FlatTariff.typicalEurope();
    private PowerMeter meter;
    private Duration maxReadingAge = Duration.ofMinutes(2);

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tariff (default {@link FlatTariff#typicalEurope()}). */
    public Builder tariff(Tariff tariff) {
      this.tariff = Objects.requireNonNull(tariff, "tariff");
      return this;
    }

    /** Measured watts replace the model where this meter has readings (default: no meter). */
    public Builder meter(PowerMeter meter) {
      this.meter = Objects.requireNonNull(meter, "meter");
      return this;
    }

    /** Readings older than this are ignored (default 2 minutes). */
    public Builder maxReadingAge(Duration age) {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("maxReadingAge must be positive, got " + age);
      }
      this.maxReadingAge = age;
      return this;
    }

    /** Builds a ledger that starts accounting at the clock's now. */
    public EnergyLedger build() {
      return new EnergyLedger(this);
    }
  }
}
