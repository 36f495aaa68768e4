package io.ecokube.controller.api;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.attribution.Attribution;
import io.ecokube.prometheus.attribution.Components;
import io.ecokube.prometheus.attribution.ContainerKey;
import io.ecokube.prometheus.attribution.PodKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code /nodes} and {@code /power/...}: nodes, and watts now by node, pod, container, workload.
 */
final class PowerEndpoints {
  private final Clock clock;
  private final Supplier<List<NodeStatus>> nodes;
  private final Optional<PowerAttribution> attribution;
  private final Function<PodKey, Optional<WorkloadRef>> owners;
  private final Money money;

  PowerEndpoints(
      Clock clock,
      Supplier<List<NodeStatus>> nodes,
      Optional<PowerAttribution> attribution,
      Function<PodKey, Optional<WorkloadRef>> owners,
      Money money) {
    this.clock = clock;
    this.nodes = nodes;
    this.attribution = attribution;
    this.owners = owners;
    this.money = money;
  }

  Object nodes() {
    Map<String, Double> measured = new HashMap<>();
    if (attribution.isPresent()) {
      try {
        measured.putAll(attribution.get().power().nodes());
      } catch (PowerException e) {
        // The node list stands without measurements; the power endpoints report the error.
      }
    }
    List<Object> out = new ArrayList<>();
    for (NodeStatus n : nodes.get()) {
      out.add(
          Json.obj(
              "name", n.name(),
              "pool", n.pool(),
              "state", n.state(),
              "ready", n.ready(),
              "cordoned", n.cordoned(),
              "model_watts", Json.round(n.modelWatts()),
              "measured_watts",
                  measured.containsKey(n.name()) ? Json.round(measured.get(n.name())) : null));
    }
    return Json.obj("at", clock.now().toString(), "nodes", out);
  }

  Object powerNodes() {
    Attribution a = power();
    List<Object> out = new ArrayList<>();
    new java.util.TreeMap<>(a.nodes())
        .forEach(
            (node, w) ->
                out.add(
                    Json.obj(
                        "node", node,
                        "watts", Json.round(w),
                        "attributed_watts", Json.round(a.attributed(node)),
                        "unattributed_watts", Json.round(a.unattributed(node).orElse(0.0)))));
    return Json.obj("at", a.to().toString(), "nodes", out);
  }

  Object pods(Map<String, String> q) {
    Params.only(q, Set.of("namespace", "node"));
    Optional<String> ns = Params.name(q, "namespace");
    Optional<String> node = Params.name(q, "node");
    Attribution a = power();
    Map<PodKey, String> where = a.podNodes();
    List<Object> out = new ArrayList<>();
    a.byPod()
        .forEach(
            (pod, c) -> {
              String on = where.get(pod);
              if (ns.map(pod.namespace()::equals).orElse(true)
                  && node.map(on::equals).orElse(true)) {
                Map<String, Object> row =
                    Json.obj("namespace", pod.namespace(), "pod", pod.name(), "node", on);
                row.put("workload", workload(pod));
                row.putAll(watts(c));
                out.add(row);
              }
            });
    return Json.obj("at", a.to().toString(), "pods", out);
  }

  Object containers(Map<String, String> q) {
    Params.only(q, Set.of("namespace", "pod"));
    Optional<String> ns = Params.name(q, "namespace");
    Optional<String> pod = Params.name(q, "pod");
    Attribution a = power();
    List<Object> out = new ArrayList<>();
    a.containers().entrySet().stream()
        .sorted(
            Map.Entry.comparingByKey(
                java.util.Comparator.comparing(ContainerKey::namespace)
                    .thenComparing(ContainerKey::pod)
                    .thenComparing(ContainerKey::container)))
        .forEach(
            e -> {
              ContainerKey k = e.getKey();
              if (ns.map(k.namespace()::equals).orElse(true)
                  && pod.map(k.pod()::equals).orElse(true)) {
                Map<String, Object> row =
                    Json.obj(
                        "namespace", k.namespace(),
                        "pod", k.pod(),
                        "container", k.container(),
                        "node", k.node());
                row.putAll(watts(e.getValue()));
                out.add(row);
              }
            });
    return Json.obj("at", a.to().toString(), "containers", out);
  }

  Object workloads(Map<String, String> q) {
    Params.only(q, Set.of("namespace"));
    Optional<String> ns = Params.name(q, "namespace");
    Attribution a = power();
    Map<WorkloadRef, Integer> podCount = new HashMap<>();
    a.byPod().keySet().stream()
        .filter(p -> !p.namespace().isEmpty())
        .forEach(p -> podCount.merge(ownerOf(p), 1, Integer::sum));
    List<Object> out = new ArrayList<>();
    a.byWorkload(owners)
        .forEach(
            (w, c) -> {
              if (ns.map(w.namespace()::equals).orElse(true)) {
                Map<String, Object> row =
                    Json.obj(
                        "namespace", w.namespace(),
                        "kind", w.kind(),
                        "name", w.name(),
                        "pods", podCount.getOrDefault(w, 0));
                row.putAll(watts(c));
                out.add(row);
              }
            });
    return Json.obj("at", a.to().toString(), "workloads", out);
  }

  /** The seed's {@code /power/current}: one total for a namespace and/or workload (or all). */
  Object current(Map<String, String> q) {
    Params.only(q, Set.of("namespace", "workload"));
    Optional<String> ns = Params.name(q, "namespace");
    Optional<String> workload = Params.name(q, "workload");
    Attribution a = power();
    Components sum = Components.ZERO;
    int pods = 0;
    for (Map.Entry<PodKey, Components> e : a.byPod().entrySet()) {
      if (matches(e.getKey(), ns, workload)) {
        sum = sum.plus(e.getValue());
        pods++;
      }
    }
    Map<String, Object> out =
        Json.obj(
            "at", a.to().toString(),
            "namespace", ns.orElse(null),
            "workload", workload.orElse(null),
            "pods", pods);
    out.putAll(watts(sum));
    out.put("cost", money.perHour(sum.total(), a.to()));
    return out;
  }

  /** Whether a pod is in the namespace (if given) and belongs to a workload of that name. */
  boolean matches(PodKey pod, Optional<String> ns, Optional<String> workload) {
    if (pod.namespace().isEmpty()) {
      return ns.isEmpty() && workload.isEmpty();
    }
    return ns.map(pod.namespace()::equals).orElse(true)
        && workload.map(w -> ownerOf(pod).name().equals(w)).orElse(true);
  }

  private WorkloadRef ownerOf(PodKey pod) {
    return owners.apply(pod).orElse(new WorkloadRef(pod.namespace(), "Pod", pod.name()));
  }

  private Object workload(PodKey pod) {
    if (pod.namespace().isEmpty()) {
      return null;
    }
    WorkloadRef w = ownerOf(pod);
    return Json.obj("kind", w.kind(), "name", w.name());
  }

  static Map<String, Object> watts(Components c) {
    return Json.obj(
        "watts", Json.round(c.total()),
        "cpu_watts", Json.round(c.cpu()),
        "dram_watts", Json.round(c.dram()),
        "gpu_watts", Json.round(c.gpu()),
        "other_watts", Json.round(c.other()));
  }

  Attribution power() {
    return read(() -> attribution().power());
  }

  PowerAttribution attribution() {
    return attribution.orElseThrow(
        () ->
            ApiProblem.of(
                503,
                "No power attribution",
                "no Kepler metrics are configured: set the Prometheus endpoint in the config's"
                    + " meters section"));
  }

  interface Read<T> {
    T get() throws PowerException;
  }

  static <T> T read(Read<T> r) {
    try {
      return r.get();
    } catch (PowerException e) {
      throw ApiProblem.of(
          502, "Metrics unavailable", "Kepler metrics could not be read: " + e.getMessage());
    }
  }

  Instant now() {
    return clock.now();
  }
}
