package io.ecokube.prometheus.attribution;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusException;
import io.ecokube.prometheus.client.Sample;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import io.ecokube.prometheus.kepler.KeplerSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-container power and energy from Kepler's container series, read through the Prometheus API,
 * beside the node figures of a {@link KeplerPowerMeter}.
 *
 * <p>Power is the {@code rate()} of Kepler's joule counters and energy their {@code increase()}
 * over the period, so a counter that starts again from zero (Kepler or the container restarted)
 * costs nothing: Prometheus adds the value before the reset back. Which counters:
 *
 * <ul>
 *   <li>Legacy Kepler: {@code kepler_container_package_joules_total} (or {@code _core_} where the
 *       package is not exported) as CPU, {@code _dram_}, {@code _gpu_} and {@code _other_}; the
 *       {@code mode} label (dynamic, idle) is summed. A Kepler that exports none of these but
 *       {@code kepler_container_joules_total} has that total counted as other. Pods and namespaces
 *       come from the {@code pod_name} and {@code container_namespace} labels.
 *   <li>Kepler 0.10+: {@code kepler_container_cpu_joules_total} by {@code zone}, chosen as for
 *       nodes (psys where present, otherwise package as CPU plus dram); GPU from {@code
 *       kepler_container_gpu_joules_total} where a Kepler exports it. Containers carry only a
 *       {@code pod_id}; its name and namespace come from {@code kepler_pod_cpu_joules_total}.
 * </ul>
 *
 * <p>Which workload owns a pod is not Kepler's to say: {@link Attribution#byWorkload} takes that
 * from the caller (the controller asks its Kubernetes view).
 */
public final class KeplerAttribution {
  private static final String LABELS =
      "container_namespace, pod_name, container_name, pod_id, zone";
  private static final List<String> LEGACY_PARTS = List.of("package", "dram", "gpu", "other");

  private final PrometheusClient client;
  private final KeplerMeterConfig config;
  private final KeplerPowerMeter nodes;
  private final Clock clock;

  /**
   * Reads through the client; node figures come from {@code nodes}, which must use the same config.
   */
  public KeplerAttribution(
      PrometheusClient client, KeplerMeterConfig config, KeplerPowerMeter nodes, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Power now: every node's and every container's watts. */
  public Attribution power() throws PowerException {
    Instant now = clock.now();
    Map<String, Double> nodeWatts = new HashMap<>();
    for (Map.Entry<String, PowerReading> e : nodes.readEveryNode().entrySet()) {
      nodeWatts.put(e.getKey(), e.getValue().watts());
    }
    String window = "[" + config.rateWindow().toSeconds() + "s]";
    Map<ContainerKey, Components> containers =
        containers(metric -> "rate(" + metric + window + ")", null);
    return new Attribution(Attribution.Unit.WATTS, now, now, nodeWatts, containers);
  }

  /**
   * Energy over a period: every node's and every container's joules between {@code from} and {@code
   * to}, as Prometheus saw them.
   *
   * @throws IllegalArgumentException when the period is empty or reversed
   */
  public Attribution energy(Instant from, Instant to) throws PowerException {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    long seconds = Duration.between(from, to).toSeconds();
    if (seconds < 1) {
      throw new IllegalArgumentException(
          "the period from " + from + " to " + to + " is shorter than a second");
    }
    String range = "[" + seconds + "s]";
    java.util.function.UnaryOperator<String> increase = m -> "increase(" + m + range + ")";
    Map<ContainerKey, Components> containers = containers(increase, to);
    Map<String, Double> nodeJoules = nodeEnergy(increase, to);
    return new Attribution(Attribution.Unit.JOULES, from, to, nodeJoules, containers);
  }

  private Map<ContainerKey, Components> containers(
      java.util.function.UnaryOperator<String> over, Instant at) throws PowerException {
    try {
      KeplerSchema s = nodes.schema();
      return s == KeplerSchema.V0_10 ? containersV010(over, at) : containersLegacy(over, at);
    } catch (PrometheusException e) {
      throw toPowerException(e);
    }
  }

  private Map<ContainerKey, Components> containersLegacy(
      java.util.function.UnaryOperator<String> over, Instant at) throws PrometheusException {
    Map<ContainerKey, double[]> parts = new HashMap<>();
    boolean any = false;
    for (int i = 0; i < LEGACY_PARTS.size(); i++) {
      List<Sample> got =
          sumBy(over.apply("kepler_container_" + LEGACY_PARTS.get(i) + "_joules_total"), at);
      if (i == 0 && got.isEmpty()) {
        // Some CPUs have no package zone in Kepler's eyes; the core counter is the CPU then.
        got = sumBy(over.apply("kepler_container_core_joules_total"), at);
      }
      any |= !got.isEmpty();
      add(parts, got, i, null);
    }
    if (!any) {
      add(parts, sumBy(over.apply("kepler_container_joules_total"), at), 3, null);
    }
    return toComponents(parts);
  }

  private Map<ContainerKey, Components> containersV010(
      java.util.function.UnaryOperator<String> over, Instant at) throws PrometheusException {
    Map<String, PodKey> pods = new HashMap<>();
    for (Sample s :
        query("group by (pod_id, pod_name, pod_namespace) (kepler_pod_cpu_joules_total)", at)) {
      String id = s.labels().get("pod_id");
      if (id != null) {
        pods.put(
            id,
            new PodKey(
                s.labels().getOrDefault("pod_namespace", ""),
                s.labels().getOrDefault("pod_name", "")));
      }
    }
    Map<ContainerKey, Map<String, Double>> zones = new HashMap<>();
    for (Sample s : sumBy(over.apply("kepler_container_cpu_joules_total"), at)) {
      ContainerKey k = key(s, pods);
      if (k != null && Double.isFinite(s.value())) {
        zones
            .computeIfAbsent(k, x -> new HashMap<>())
            .merge(s.labels().getOrDefault("zone", ""), s.value(), Double::sum);
      }
    }
    Map<ContainerKey, double[]> parts = new HashMap<>();
    zones.forEach(
        (k, z) -> {
          double[] p = parts.computeIfAbsent(k, x -> new double[4]);
          if (z.containsKey("psys")) {
            p[0] += z.get("psys");
          } else {
            // core and uncore lie inside package: never added to it.
            p[0] += z.getOrDefault("package", 0.0);
            p[1] += z.getOrDefault("dram", 0.0);
          }
        });
    add(parts, sumBy(over.apply("kepler_container_gpu_joules_total"), at), 2, pods);
    return toComponents(parts);
  }

  private Map<String, Double> nodeEnergy(java.util.function.UnaryOperator<String> over, Instant at)
      throws PowerException {
    String l = config.nodeLabel();
    Map<String, Double> out = new HashMap<>();
    try {
      if (nodes.schema() == KeplerSchema.V0_10) {
        Map<String, Map<String, Double>> zones = new HashMap<>();
        for (Sample s :
            query(
                "sum by (" + l + ", zone) (" + over.apply("kepler_node_cpu_joules_total") + ")",
                at)) {
          String node = config.nodeOf(s.labels());
          if (node != null && Double.isFinite(s.value())) {
            zones
                .computeIfAbsent(node, x -> new HashMap<>())
                .merge(s.labels().getOrDefault("zone", ""), s.value(), Double::sum);
          }
        }
        zones.forEach(
            (node, z) -> {
              if (z.containsKey("psys")) {
                out.put(node, z.get("psys"));
              } else if (z.containsKey("package")) {
                out.put(node, z.get("package") + z.getOrDefault("dram", 0.0));
              }
            });
        return out;
      }
      Map<String, Double> platform =
          byNode(
              query(
                  "sum by (" + l + ") (" + over.apply("kepler_node_platform_joules_total") + ")",
                  at));
      Map<String, Double> pkg =
          byNode(
              query(
                  "sum by (" + l + ") (" + over.apply("kepler_node_package_joules_total") + ")",
                  at));
      Map<String, Double> dram =
          byNode(
              query(
                  "sum by (" + l + ") (" + over.apply("kepler_node_dram_joules_total") + ")", at));
      pkg.forEach((node, v) -> out.put(node, v + dram.getOrDefault(node, 0.0)));
      out.putAll(platform);
      return out;
    } catch (PrometheusException e) {
      throw toPowerException(e);
    }
  }

  private Map<String, Double> byNode(List<Sample> samples) {
    Map<String, Double> out = new HashMap<>();
    for (Sample s : samples) {
      String node = config.nodeOf(s.labels());
      if (node != null && Double.isFinite(s.value())) {
        out.merge(node, s.value(), Double::sum);
      }
    }
    return out;
  }

  private List<Sample> sumBy(String expr, Instant at) throws PrometheusException {
    return query("sum by (" + config.nodeLabel() + ", " + LABELS + ") (" + expr + ")", at);
  }

  private List<Sample> query(String promql, Instant at) throws PrometheusException {
    return at == null ? client.query(promql) : client.query(promql, at);
  }

  /** Adds each sample's value to part {@code index} of its container. */
  private void add(
      Map<ContainerKey, double[]> parts,
      List<Sample> samples,
      int index,
      Map<String, PodKey> pods) {
    for (Sample s : samples) {
      ContainerKey k = key(s, pods);
      // A rate can be NaN for a series seen once; a negative one cannot come from a counter.
      if (k != null && Double.isFinite(s.value()) && s.value() > 0) {
        parts.computeIfAbsent(k, x -> new double[4])[index] += s.value();
      }
    }
  }

  private ContainerKey key(Sample s, Map<String, PodKey> pods) {
    Map<String, String> l = s.labels();
    String node = config.nodeOf(l);
    String container = l.get("container_name");
    if (node == null || container == null) {
      return null;
    }
    if (pods == null) {
      return new ContainerKey(
          node,
          l.getOrDefault("container_namespace", ""),
          l.getOrDefault("pod_name", ""),
          container);
    }
    PodKey pod = pods.getOrDefault(l.getOrDefault("pod_id", ""), new PodKey("", ""));
    return new ContainerKey(node, pod.namespace(), pod.name(), container);
  }

  private static Map<ContainerKey, Components> toComponents(Map<ContainerKey, double[]> parts) {
    Map<ContainerKey, Components> out = new HashMap<>();
    parts.forEach(
        (k, p) ->
            out.put(
                k,
                new Components(
                    Math.max(0, p[0]), Math.max(0, p[1]), Math.max(0, p[2]), Math.max(0, p[3]))));
    return out;
  }

  private PowerException toPowerException(PrometheusException e) {
    return e.toPowerException("all containers", client.baseUri().toString());
  }
}
