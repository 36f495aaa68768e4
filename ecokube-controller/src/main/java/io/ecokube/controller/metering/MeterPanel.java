package io.ecokube.controller.metering;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.MeterSettings;
import io.ecokube.core.metering.PreferringPowerMeter;
import io.ecokube.power.ipmi.IpmiDcmiPowerMeter;
import io.ecokube.power.ipmi.IpmiPowerDriver;
import io.ecokube.power.redfish.RedfishDriver;
import io.ecokube.power.redfish.RedfishPowerMeter;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meters of the config's {@code meters} section behind one {@link PowerMeter}, in the admin's
 * order of preference. The ledger holds it from the start; the meters themselves are opened by
 * {@link #open} when this replica starts leading and closed by {@link #closeMeters} when it stops
 * (BMC sessions are not held by a replica that does not act). Closed, it reads nothing, so the
 * ledger uses the power model. It also remembers the last readings it gave, for calibration.
 *
 * <p>DCMI and Redfish meters reach each node's BMC with the settings of the node's own {@code ipmi}
 * or {@code redfish} driver (its own session, separate from the one that powers the node), so a
 * BMC's address and credentials are written once, in the node's driver chain.
 */
public final class MeterPanel implements PowerMeter {
  private static final Logger LOG = LoggerFactory.getLogger(MeterPanel.class);

  private final MeterSettings settings;
  private final Map<String, NodeSpec> nodes = new LinkedHashMap<>();
  private PowerMeter meter;
  private final List<AutoCloseable> owned = new ArrayList<>();
  private Map<String, PowerReading> last = Map.of();

  /**
   * A panel for the configured meters, closed.
   *
   * @param settings the {@code meters} section
   * @param nodes the configured nodes (their driver chains hold the BMC settings)
   */
  public MeterPanel(MeterSettings settings, List<NodeSpec> nodes) {
    this.settings = settings;
    nodes.forEach(n -> this.nodes.put(n.name(), n));
  }

  /** The section this panel reads. */
  public MeterSettings settings() {
    return settings;
  }

  /**
   * Opens every configured meter. A meter that cannot be built (a secret that cannot be read) is
   * logged and left out; the others are used.
   *
   * @param providers the driver providers by name ({@code ipmi}, {@code redfish})
   * @param secrets resolves the references in the settings
   * @param clock the clock readings are stamped and aged by
   */
  public synchronized void open(
      Function<String, Optional<PowerDriverProvider>> providers,
      SecretResolver secrets,
      Clock clock) {
    closeMeters();
    List<PowerMeter> meters = new ArrayList<>();
    for (String kind : settings.preference()) {
      try {
        meters.add(build(kind, providers, secrets, clock));
      } catch (RuntimeException e) {
        LOG.error(
            "meters.{} not used, accounting falls back to the other meters or the power model: {}",
            kind,
            e.getMessage());
      }
    }
    meter = meters.isEmpty() ? null : PreferringPowerMeter.inOrder(meters);
    LOG.info(
        "power meters in order of preference: {}", meters.stream().map(PowerMeter::name).toList());
  }

  private PowerMeter build(
      String kind,
      Function<String, Optional<PowerDriverProvider>> providers,
      SecretResolver secrets,
      Clock clock) {
    if (kind.equals(MeterSettings.KEPLER)) {
      MeterSettings.Kepler k = settings.kepler().orElseThrow();
      PrometheusClient client =
          new PrometheusClient(PrometheusEndpoints.clientConfig(k.prometheus(), secrets));
      owned.add(client);
      KeplerPowerMeter kepler =
          new KeplerPowerMeter(
              client,
              KeplerMeterConfig.builder()
                  .nodeLabel(k.nodeLabel())
                  .rateWindow(k.rateWindow())
                  .staleAfter(settings.staleAfter())
                  // Fresh enough for every read, so each scrape becomes a calibration sample.
                  .cacheFor(min(settings.interval().dividedBy(2), java.time.Duration.ofSeconds(5)))
                  .build(),
              clock);
      return k.nodes().isEmpty() ? kepler : new Covering(kepler, k.nodes());
    }
    String driver = kind.equals(MeterSettings.DCMI) ? IpmiPowerDriver.NAME : RedfishDriver.NAME;
    PowerDriverProvider provider =
        providers
            .apply(driver)
            .orElseThrow(() -> new IllegalArgumentException("no " + driver + " driver installed"));
    Map<String, PowerDriver> built = new LinkedHashMap<>();
    for (String node : settings.bmcNodes(kind)) {
      NodeSpec spec = nodes.get(node);
      DriverSpec ds =
          spec.address().chain().stream()
              .filter(d -> d.driver().equals(driver))
              .findFirst()
              .orElseThrow();
      PowerDriver d =
          provider.create(
              new DriverContext(node, new DriverSettings(node, ds.settings(), secrets), clock));
      owned.add(d);
      built.put(node, d);
    }
    if (kind.equals(MeterSettings.DCMI)) {
      Map<String, IpmiPowerDriver> ipmi = new LinkedHashMap<>();
      built.forEach((n, d) -> ipmi.put(n, (IpmiPowerDriver) d));
      return new IpmiDcmiPowerMeter(ipmi);
    }
    Map<String, RedfishDriver> redfish = new LinkedHashMap<>();
    built.forEach((n, d) -> redfish.put(n, (RedfishDriver) d));
    return new RedfishPowerMeter(redfish);
  }

  private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public String name() {
    return "meters" + settings.preference();
  }

  @Override
  public Optional<PowerReading> read(String node) throws PowerException {
    return Optional.ofNullable(readAll(List.of(node)).get(node));
  }

  @Override
  public synchronized Map<String, PowerReading> readAll(Collection<String> nodes)
      throws PowerException {
    if (meter == null) {
      last = Map.of();
      return last;
    }
    last = Map.copyOf(meter.readAll(nodes));
    return last;
  }

  /** The readings of the last {@link #readAll}, by node. */
  public synchronized Map<String, PowerReading> lastReadings() {
    return last;
  }

  /** Closes the meters and their sessions; the panel reads nothing until opened again. */
  public synchronized void closeMeters() {
    meter = null;
    last = Map.of();
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing a power meter failed: {}", e.toString());
      }
    }
    owned.clear();
  }

  @Override
  public void close() {
    closeMeters();
  }

  /** A meter limited to some nodes (Kepler for chosen pools or nodes). */
  private record Covering(PowerMeter meter, java.util.Set<String> nodes) implements PowerMeter {
    @Override
    public String name() {
      return meter.name();
    }

    @Override
    public Optional<PowerReading> read(String node) throws PowerException {
      return nodes.contains(node) ? meter.read(node) : Optional.empty();
    }

    @Override
    public Map<String, PowerReading> readAll(Collection<String> wanted) throws PowerException {
      return meter.readAll(wanted.stream().filter(nodes::contains).toList());
    }
  }
}
