package io.ecokube.prometheus.attribution;

import io.ecokube.api.cluster.WorkloadRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Kepler's figures for every node and every container it reports, at one instant (power, in watts)
 * or over a period (energy, in joules), and their sums per pod, namespace and workload.
 *
 * <p>A node's figure is larger than the sum of its containers: Kepler 0.10 gives containers only
 * the active share of the power, and a legacy Kepler leaves what it cannot attribute (kernel, idle
 * cores) to no one or to a system pseudo-container. {@link #unattributed} is that gap.
 *
 * @param unit what the numbers are
 * @param from the start of the period; equal to {@code to} for power
 * @param to the instant of the figures, or the end of the period
 * @param nodes every node's figure (node power or energy as {@link
 *     io.ecokube.prometheus.kepler.KeplerPowerMeter} chooses it)
 * @param containers every container's figure, split by hardware
 */
public record Attribution(
    Unit unit,
    Instant from,
    Instant to,
    Map<String, Double> nodes,
    Map<ContainerKey, Components> containers) {

  /** What an attribution's numbers are. */
  public enum Unit {
    /** Power now. */
    WATTS,
    /** Energy over the period. */
    JOULES
  }

  /** Validates and copies. */
  public Attribution {
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("period starts " + from + " after it ends " + to);
    }
    nodes = Map.copyOf(nodes);
    containers = Map.copyOf(containers);
  }

  /** Every pod's figure: its containers added. */
  public Map<PodKey, Components> byPod() {
    Map<PodKey, Components> out = new TreeMap<>(PodKeys.ORDER);
    containers.forEach((k, v) -> out.merge(k.podKey(), v, Components::plus));
    return out;
  }

  /** Every namespace's figure. */
  public Map<String, Components> byNamespace() {
    Map<String, Components> out = new TreeMap<>();
    containers.forEach((k, v) -> out.merge(k.namespace(), v, Components::plus));
    return out;
  }

  /**
   * Every workload's figure. A pod whose owner is unknown is a workload of its own, of kind {@code
   * Pod}; containers outside Kubernetes (empty namespace) are left out.
   *
   * @param ownerOf the workload that owns a pod (from the cluster view)
   */
  public Map<WorkloadRef, Components> byWorkload(Function<PodKey, Optional<WorkloadRef>> ownerOf) {
    Map<WorkloadRef, Components> out = new TreeMap<>(PodKeys.WORKLOAD_ORDER);
    byPod()
        .forEach(
            (pod, v) -> {
              if (pod.namespace().isEmpty() || pod.name().isEmpty()) {
                return;
              }
              WorkloadRef w =
                  ownerOf.apply(pod).orElse(new WorkloadRef(pod.namespace(), "Pod", pod.name()));
              out.merge(w, v, Components::plus);
            });
    return out;
  }

  /** The node each pod's containers run on (the last one seen, should a pod's name move). */
  public Map<PodKey, String> podNodes() {
    Map<PodKey, String> out = new TreeMap<>(PodKeys.ORDER);
    containers.keySet().forEach(k -> out.put(k.podKey(), k.node()));
    return out;
  }

  /** What a node's containers add up to. */
  public double attributed(String node) {
    return containers.entrySet().stream()
        .filter(e -> e.getKey().node().equals(node))
        .mapToDouble(e -> e.getValue().total())
        .sum();
  }

  /**
   * A node's figure less its containers' (0 or more): the idle share and whatever Kepler gave no
   * container. Empty when Kepler has no figure for the node.
   */
  public Optional<Double> unattributed(String node) {
    Double n = nodes.get(node);
    return n == null ? Optional.empty() : Optional.of(Math.max(0, n - attributed(node)));
  }

  /** The containers of one pod. */
  public List<Map.Entry<ContainerKey, Components>> containersOf(PodKey pod) {
    return containers.entrySet().stream()
        .filter(e -> e.getKey().podKey().equals(pod))
        .sorted(Map.Entry.comparingByKey(PodKeys.CONTAINER_ORDER))
        .toList();
  }
}
