package io.ecokube.prometheus.kepler;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusException;
import io.ecokube.prometheus.client.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node power from Kepler, read through the Prometheus HTTP API.
 *
 * <p>Which figure is a node's power:
 *
 * <ul>
 *   <li>Kepler 0.10+ ({@code kepler_node_cpu_watts}): the {@code psys} zone where the node exports
 *       it (it covers the package and more); otherwise {@code package} plus {@code dram}, which do
 *       not overlap. {@code core} and {@code uncore} lie inside {@code package} and are never
 *       added. Sockets (the {@code path} label) are summed within a zone.
 *   <li>Legacy Kepler: the rate of {@code kepler_node_platform_joules_total} where present,
 *       otherwise the rates of the package and DRAM counters added. The {@code mode} label
 *       (dynamic, idle) is summed: together they are the node's draw.
 * </ul>
 *
 * <p>Kepler's CPU figures miss fans, disks, NICs and PSU losses, so its readings are marked as not
 * wall power ({@link PowerReading#wallPower()} false): accounting prefers a BMC meter for a node
 * when one is configured. A node whose newest sample is older than {@link
 * KeplerMeterConfig#staleAfter()} has no reading rather than an old one.
 */
public final class KeplerPowerMeter implements PowerMeter {
  private static final Logger LOG = LoggerFactory.getLogger(KeplerPowerMeter.class);

  private final PrometheusClient client;
  private final KeplerMeterConfig config;
  private final Clock clock;
  private volatile KeplerSchema resolved;
  private Map<String, PowerReading> cache;
  private Instant cachedAt;

  /** Creates a meter; nothing is queried until the first read. */
  public KeplerPowerMeter(PrometheusClient client, KeplerMeterConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.resolved = config.schema() == KeplerSchema.AUTO ? null : config.schema();
  }

  @Override
  public String name() {
    return "kepler";
  }

  /** The schema in use, detecting it if needed. */
  public KeplerSchema schema() throws PowerException {
    KeplerSchema s = resolved;
    if (s == null) {
      s = detect();
      resolved = s;
    }
    return s;
  }

  @Override
  public Optional<PowerReading> read(String node) throws PowerException {
    return Optional.ofNullable(readAll(List.of(node)).get(node));
  }

  @Override
  public synchronized Map<String, PowerReading> readAll(Collection<String> nodes)
      throws PowerException {
    Map<String, PowerReading> every = readEveryNode();
    Map<String, PowerReading> out = new LinkedHashMap<>();
    for (String n : nodes) {
      PowerReading r = every.get(n);
      if (r != null) {
        out.put(n, r);
      }
    }
    return out;
  }

  /** Every node Kepler reports on now (the same cached figures {@link #readAll} uses). */
  public synchronized Map<String, PowerReading> readEveryNode() throws PowerException {
    Instant now = clock.now();
    if (cache == null || !now.isBefore(cachedAt.plus(config.cacheFor()))) {
      cache = fetch(now);
      cachedAt = now;
    }
    return Map.copyOf(cache);
  }

  private Map<String, PowerReading> fetch(Instant now) throws PowerException {
    Map<String, Double> watts;
    Map<String, Instant> newest;
    try {
      if (config.wattsQuery().isPresent()) {
        watts = byNode(client.query(config.wattsQuery().get()));
        newest = Map.of();
      } else {
        KeplerSchema s = schema();
        watts = s == KeplerSchema.V0_10 ? wattsV010() : wattsLegacy();
        newest = newestSample(s);
        if (watts.isEmpty() && config.schema() == KeplerSchema.AUTO) {
          // Kepler may have been upgraded under us; look again next time.
          resolved = null;
        }
      }
    } catch (PrometheusException e) {
      throw toPowerException(e);
    }
    Map<String, PowerReading> out = new HashMap<>();
    for (Map.Entry<String, Double> e : watts.entrySet()) {
      Instant at = newest.getOrDefault(e.getKey(), now);
      if (Duration.between(at, now).compareTo(config.staleAfter()) > 0) {
        LOG.debug("Kepler figure for node {} is stale (newest sample {})", e.getKey(), at);
        continue;
      }
      double w = e.getValue();
      if (!Double.isFinite(w) || w < 0) {
        LOG.debug("Kepler figure for node {} is {} W; ignored", e.getKey(), w);
        continue;
      }
      out.put(e.getKey(), new PowerReading(e.getKey(), w, at, name(), false));
    }
    return out;
  }

  private Map<String, Double> wattsV010() throws PrometheusException {
    String l = config.nodeLabel();
    List<Sample> byZone = client.query("sum by (" + l + ", zone) (kepler_node_cpu_watts)");
    return chooseZones(byZone);
  }

  private Map<String, Double> chooseZones(List<Sample> byZone) {
    Map<String, Map<String, Double>> zones = new HashMap<>();
    for (Sample s : byZone) {
      String node = nodeName(s.labels());
      if (node == null) {
        continue;
      }
      zones
          .computeIfAbsent(node, k -> new HashMap<>())
          .merge(s.labels().getOrDefault("zone", ""), s.value(), Double::sum);
    }
    Map<String, Double> out = new HashMap<>();
    for (Map.Entry<String, Map<String, Double>> e : zones.entrySet()) {
      Map<String, Double> z = e.getValue();
      if (z.containsKey("psys")) {
        out.put(e.getKey(), z.get("psys"));
      } else if (z.containsKey("package")) {
        out.put(e.getKey(), z.get("package") + z.getOrDefault("dram", 0.0));
      }
    }
    return out;
  }

  private Map<String, Double> wattsLegacy() throws PrometheusException {
    String l = config.nodeLabel();
    String w = "[" + config.rateWindow().toSeconds() + "s]";
    Map<String, Double> platform =
        byNode(
            client.query("sum by (" + l + ") (rate(kepler_node_platform_joules_total" + w + "))"));
    Map<String, Double> pkg =
        byNode(
            client.query("sum by (" + l + ") (rate(kepler_node_package_joules_total" + w + "))"));
    Map<String, Double> dram =
        byNode(client.query("sum by (" + l + ") (rate(kepler_node_dram_joules_total" + w + "))"));
    Map<String, Double> out = new HashMap<>();
    pkg.forEach((node, v) -> out.put(node, v + dram.getOrDefault(node, 0.0)));
    out.putAll(platform);
    return out;
  }

  private Map<String, Instant> newestSample(KeplerSchema s) throws PrometheusException {
    // timestamp() drops metric names, so each metric is asked on its own and the newest kept.
    List<String> metrics =
        s == KeplerSchema.V0_10
            ? List.of("kepler_node_cpu_watts")
            : List.of("kepler_node_platform_joules_total", "kepler_node_package_joules_total");
    Map<String, Instant> out = new HashMap<>();
    for (String metric : metrics) {
      for (Sample smp :
          client.query("max by (" + config.nodeLabel() + ") (timestamp(" + metric + "))")) {
        String node = nodeName(smp.labels());
        if (node != null && Double.isFinite(smp.value())) {
          Instant at = Instant.ofEpochMilli(Math.round(smp.value() * 1000));
          out.merge(node, at, (a, b) -> a.isAfter(b) ? a : b);
        }
      }
    }
    return out;
  }

  private KeplerSchema detect() throws PowerException {
    try {
      if (!client.query("count(kepler_node_cpu_watts)").isEmpty()) {
        LOG.info("Kepler at {} exports the 0.10+ metrics", client.baseUri());
        return KeplerSchema.V0_10;
      }
      if (!client
          .query("count({__name__=~\"kepler_node_(platform|package)_joules_total\"})")
          .isEmpty()) {
        LOG.info("Kepler at {} exports the legacy metrics", client.baseUri());
        return KeplerSchema.LEGACY;
      }
    } catch (PrometheusException e) {
      throw toPowerException(e);
    }
    throw new PowerException(
        PowerException.Kind.UNSUPPORTED,
        "all nodes",
        client.baseUri().toString(),
        "Prometheus has neither kepler_node_cpu_watts (Kepler 0.10+) nor"
            + " kepler_node_platform/package_joules_total (legacy Kepler); is Kepler deployed and"
            + " scraped by this Prometheus?");
  }

  /**
   * Utilisation and watts of one node over a time range, joined on their timestamps: the input of
   * the linear power-model calibration.
   */
  public List<CalibrationSample> calibrationSamples(
      String node, Instant from, Instant to, Duration step) throws PowerException {
    String l = config.nodeLabel();
    try {
      KeplerSchema s = config.wattsQuery().isPresent() ? KeplerSchema.V0_10 : schema();
      String utilQuery =
          config
              .utilisationQuery()
              .orElse(
                  s == KeplerSchema.V0_10
                      ? "avg by (" + l + ") (kepler_node_cpu_usage_ratio)"
                      : "1 - avg by ("
                          + l
                          + ") (rate(node_cpu_seconds_total{mode=\"idle\"}["
                          + config.rateWindow().toSeconds()
                          + "s]))");
      Map<Instant, Double> util = seriesOf(node, client.queryRange(utilQuery, from, to, step));
      Map<Instant, Double> watts;
      if (config.wattsQuery().isPresent()) {
        watts = seriesOf(node, client.queryRange(config.wattsQuery().get(), from, to, step));
      } else if (s == KeplerSchema.V0_10) {
        watts = new TreeMap<>();
        Map<Instant, List<Sample>> byTime = new TreeMap<>();
        for (Sample smp :
            client.queryRange("sum by (" + l + ", zone) (kepler_node_cpu_watts)", from, to, step)) {
          byTime.computeIfAbsent(smp.at(), k -> new ArrayList<>()).add(smp);
        }
        for (Map.Entry<Instant, List<Sample>> e : byTime.entrySet()) {
          Double w = chooseZones(e.getValue()).get(node);
          if (w != null) {
            watts.put(e.getKey(), w);
          }
        }
      } else {
        String w = "[" + config.rateWindow().toSeconds() + "s]";
        watts =
            seriesOf(
                node,
                client.queryRange(
                    "sum by ("
                        + l
                        + ") (rate(kepler_node_package_joules_total"
                        + w
                        + "))"
                        + " + sum by ("
                        + l
                        + ") (rate(kepler_node_dram_joules_total"
                        + w
                        + "))",
                    from,
                    to,
                    step));
      }
      List<CalibrationSample> out = new ArrayList<>();
      for (Map.Entry<Instant, Double> e : new TreeMap<>(watts).entrySet()) {
        Double u = util.get(e.getKey());
        if (u != null && Double.isFinite(u) && Double.isFinite(e.getValue())) {
          out.add(new CalibrationSample(e.getKey(), Math.max(0, Math.min(1, u)), e.getValue()));
        }
      }
      return out;
    } catch (PrometheusException e) {
      throw toPowerException(e);
    }
  }

  private Map<Instant, Double> seriesOf(String node, List<Sample> samples) {
    Map<Instant, Double> out = new TreeMap<>();
    for (Sample s : samples) {
      if (node.equals(nodeName(s.labels()))) {
        out.merge(s.at(), s.value(), Double::sum);
      }
    }
    return out;
  }

  private Map<String, Double> byNode(List<Sample> samples) {
    Map<String, Double> out = new HashMap<>();
    for (Sample s : samples) {
      String node = nodeName(s.labels());
      if (node != null) {
        out.merge(node, s.value(), Double::sum);
      }
    }
    return out;
  }

  private String nodeName(Map<String, String> labels) {
    return config.nodeOf(labels);
  }

  private PowerException toPowerException(PrometheusException e) {
    return e.toPowerException("all nodes", client.baseUri().toString());
  }

  @Override
  public String toString() {
    return "KeplerPowerMeter[" + client + ", schema=" + config.schema() + "]";
  }
}
