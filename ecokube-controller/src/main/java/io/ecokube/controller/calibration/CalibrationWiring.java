package io.ecokube.controller.calibration;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.time.Clock;
import io.ecokube.config.CalibrationSettings;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.Daemons;
import io.ecokube.controller.metering.Metering;
import io.ecokube.controller.state.CalibrationStore;
import io.ecokube.controller.state.CalibrationStore.Coefficients;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.prometheus.kepler.CalibrationSample;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's power-model calibration, from its {@code calibration} section: every meter
 * reading arrives here with the node's utilisation at the time ({@link Metering#onSample}), and
 * every interval each node's samples within the window are fitted ({@link LearnedPowerModel}). A
 * fit that is used replaces the node's idle and full-load watts in the ledger from then on and is
 * written to the state ConfigMap; when this replica starts leading, the stored coefficients are
 * applied before the first reconcile, so a restart keeps the learned model. Fits are counted in
 * {@code ecokube_calibration_fits_total{outcome="learned"|"kept"}}.
 */
public final class CalibrationWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CalibrationWiring.class);

  /** The most samples kept per node: a week of readings every minute, with room. */
  static final int MAX_SAMPLES = 20_000;

  private final CalibrationSettings settings;
  private final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
  private final LearnedPowerModel learner;
  private final MeterRegistry registry;
  private final Map<String, Deque<CalibrationSample>> samples = new LinkedHashMap<>();
  private final Map<String, Coefficients> learned = new LinkedHashMap<>();
  private EnergyLedger ledger;
  private Optional<CalibrationStore> store = Optional.empty();
  private Clock clock = Clock.system();
  private ScheduledExecutorService timer;

  private CalibrationWiring(
      CalibrationSettings settings, List<NodeSpec> nodes, MeterRegistry registry) {
    this.settings = settings;
    nodes.forEach(n -> this.nodes.put(n.name(), n));
    this.learner = new LearnedPowerModel(settings.minRSquared());
    this.registry = registry;
  }

  /**
   * The calibration of a config, listening to its meters; empty without a {@code calibration}
   * section.
   */
  public static Optional<CalibrationWiring> of(
      EcoKubeConfig config, Metering metering, MeterRegistry registry) {
    if (config.calibration().isEmpty()) {
      return Optional.empty();
    }
    CalibrationWiring w =
        new CalibrationWiring(config.calibration().get(), config.nodes(), registry);
    metering.onSample(s -> w.sample(s.node(), s.at(), s.utilisation(), s.watts()));
    return Optional.of(w);
  }

  /** Keeps one reading of a configured node; older than the window are dropped. */
  public synchronized void sample(String node, Instant at, double utilisation, double watts) {
    if (!nodes.containsKey(node)) {
      return;
    }
    Deque<CalibrationSample> q = samples.computeIfAbsent(node, n -> new ArrayDeque<>());
    if (!q.isEmpty() && !at.isAfter(q.peekLast().at())) {
      // The same reading read again (a meter's cache): one sample per reading.
      return;
    }
    q.addLast(new CalibrationSample(at, Math.min(1, utilisation), watts));
    Instant oldest = at.minus(settings.window());
    while (q.size() > MAX_SAMPLES || q.peekFirst().at().isBefore(oldest)) {
      q.removeFirst();
    }
  }

  /**
   * Applies the stored coefficients to the ledger and refits every interval from now on. Called
   * when this replica starts leading, after the ledger has its nodes.
   *
   * @param ledger the ledger whose model is replaced
   * @param store where coefficients are kept; empty in a dry run
   * @param clock the clock
   */
  public synchronized void start(
      EnergyLedger ledger, Optional<CalibrationStore> store, Clock clock) {
    stop();
    this.ledger = ledger;
    this.store = store;
    this.clock = clock;
    if (store.isPresent()) {
      try {
        Map<String, Coefficients> stored = store.get().load();
        stored.forEach(this::apply);
        learned.putAll(stored);
        if (!stored.isEmpty()) {
          LOG.info("calibration: learned power models of {} continue", stored.keySet());
        }
      } catch (ActuatorException e) {
        LOG.error("calibration: stored power models cannot be read: {}", e.getMessage());
      }
    }
    timer = Daemons.scheduler("ecokube-calibration");
    long period = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            refit();
          } catch (RuntimeException e) {
            LOG.warn("calibration failed; the current models stay: {}", e.toString());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Fits every node with samples now; nodes whose fit is used get the learned model in the ledger
   * and in the store.
   *
   * @return each fitted node's result
   */
  public Map<String, LearnedPowerModel.Result> refit() {
    Map<String, LearnedPowerModel.Result> results = new LinkedHashMap<>();
    Map<String, Coefficients> toStore;
    synchronized (this) {
      if (ledger == null) {
        return results;
      }
      for (Map.Entry<String, Deque<CalibrationSample>> e : samples.entrySet()) {
        String node = e.getKey();
        PowerProfile current = ledger.powerModel(node).orElse(nodes.get(node).power());
        LearnedPowerModel.Result r = learner.calibrate(node, current, List.copyOf(e.getValue()));
        results.put(node, r);
        registry
            .counter("ecokube.calibration.fits", "outcome", r.learned() ? "learned" : "kept")
            .increment();
        LOG.info("calibration of {}: {}", node, r.why());
        if (r.learned()) {
          ledger.recalibrate(node, r.profile());
          learned.put(
              node,
              new Coefficients(
                  r.profile().idleWatts(),
                  r.profile().maxWatts(),
                  r.fit().map(f -> f.rSquared()).orElse(0.0),
                  e.getValue().size(),
                  clock.now()));
        }
      }
      toStore = Map.copyOf(learned);
    }
    if (store.isPresent()
        && results.values().stream().anyMatch(LearnedPowerModel.Result::learned)) {
      try {
        store.get().save(toStore);
      } catch (ActuatorException e) {
        LOG.error("calibration: learned power models not saved: {}", e.getMessage());
      }
    }
    return results;
  }

  /** The coefficients in use, by node. */
  public synchronized Map<String, Coefficients> learned() {
    return Map.copyOf(learned);
  }

  private void apply(String node, Coefficients c) {
    NodeSpec spec = nodes.get(node);
    if (spec == null) {
      return;
    }
    PowerProfile p = spec.power();
    try {
      ledger.recalibrate(
          node,
          new PowerProfile(
              p.offWatts(),
              c.idleWatts(),
              c.maxWatts(),
              Math.max(p.transitionWatts(), p.offWatts()),
              p.bootTime(),
              p.shutdownTime()));
    } catch (IllegalArgumentException e) {
      LOG.warn("calibration: stored model of {} not used: {}", node, e.getMessage());
    }
  }

  /** Stops refitting (samples are kept). Called when this replica stops leading. */
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    ledger = null;
  }

  @Override
  public void close() {
    stop();
  }
}
