package io.ecokube.controller.metering;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.config.MeterSettings;
import io.ecokube.controller.Daemons;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's measured power, from its {@code meters} section: the ledger is built with the
 * {@link MeterPanel} and accounts each node that is on at its measured watts while a reading is
 * younger than {@code staleAfter}, at its power model otherwise. While this replica leads, every
 * {@code interval} it sets each node's utilisation in the ledger (CPU requested by the pods on it,
 * over its allocatable CPU), reads the meters into the ledger ({@link EnergyLedger#readMeter()})
 * and hands each fresh reading with that utilisation to the sample listeners (calibration). Without
 * a {@code meters} section only the utilisation is set.
 */
public final class Metering implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Metering.class);

  /** One measured point of a node: the input of calibration. */
  public record Sample(String node, java.time.Instant at, double utilisation, double watts) {}

  private final Optional<MeterPanel> panel;
  private final List<java.util.function.Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService timer;
  private EnergyLedger ledger;
  private Supplier<ClusterSnapshot> cluster;

  private Metering(Optional<MeterPanel> panel) {
    this.panel = panel;
  }

  /** The metering of a config (nothing measured without a {@code meters} section). */
  public static Metering of(EcoKubeConfig config) {
    return new Metering(config.meters().map(m -> new MeterPanel(m, config.nodes())));
  }

  /** The settings, when the config has meters. */
  public Optional<MeterSettings> settings() {
    return panel.map(MeterPanel::settings);
  }

  /** Adds the meter and its staleness limit to a ledger being built. */
  public EnergyLedger.Builder ledger(EnergyLedger.Builder b) {
    panel.ifPresent(p -> b.meter(p).maxReadingAge(p.settings().staleAfter()));
    return b;
  }

  /** Receives every fresh reading with the node's utilisation at the time. */
  public void onSample(java.util.function.Consumer<Sample> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Opens the meters and starts reading them into the ledger every interval (every 30 s without
   * meters, for utilisation alone). Called when this replica starts leading.
   */
  public synchronized void start(
      DriverRegistry drivers,
      SecretResolver secrets,
      EnergyLedger ledger,
      Supplier<ClusterSnapshot> cluster,
      Clock clock) {
    stop();
    this.ledger = ledger;
    this.cluster = cluster;
    panel.ifPresent(p -> p.open(drivers::provider, secrets, clock));
    long period =
        panel.map(p -> p.settings().interval()).orElse(java.time.Duration.ofSeconds(30)).toMillis();
    timer = Daemons.scheduler("ecokube-meters");
    // At once, then every interval: the first reconcile already accounts measured watts.
    timer.scheduleWithFixedDelay(this::readSafely, 0, period, TimeUnit.MILLISECONDS);
  }

  private void readSafely() {
    try {
      readOnce();
    } catch (RuntimeException e) {
      LOG.warn("reading power meters failed; the power model is used: {}", e.toString());
    }
  }

  /** One read: utilisation into the ledger, meters into the ledger, samples to the listeners. */
  public void readOnce() {
    EnergyLedger l;
    Supplier<ClusterSnapshot> c;
    synchronized (this) {
      l = ledger;
      c = cluster;
    }
    if (l == null) {
      return;
    }
    Map<String, Double> utilisation = utilisation(c.get());
    utilisation.forEach(l::utilisation);
    l.readMeter();
    if (panel.isEmpty()) {
      return;
    }
    for (Map.Entry<String, PowerReading> e : panel.get().lastReadings().entrySet()) {
      Double u = utilisation.get(e.getKey());
      if (u == null) {
        continue;
      }
      Sample s = new Sample(e.getKey(), e.getValue().at(), u, e.getValue().watts());
      listeners.forEach(x -> x.accept(s));
    }
  }

  /** Each ready node's CPU requested by its pods over its allocatable CPU, in [0, 1]. */
  static Map<String, Double> utilisation(ClusterSnapshot snapshot) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (ClusterNode n : snapshot.nodes()) {
      long cpu = n.spec().allocatable().cpuMillis();
      if (!n.ready() || cpu <= 0) {
        continue;
      }
      long used = 0;
      for (PodInfo p : snapshot.podsOn(n.name())) {
        used += p.scheduling().requests().cpuMillis();
      }
      out.put(n.name(), Math.min(1.0, used / (double) cpu));
    }
    return out;
  }

  /** Stops reading and closes the meters. Called when this replica stops leading. */
  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
    panel.ifPresent(MeterPanel::closeMeters);
    ledger = null;
  }

  @Override
  public void close() {
    stop();
  }
}
