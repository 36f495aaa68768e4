package io.ecokube.api.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A consistent view of the cluster at one instant: every node and every pod. Immutable; the indexes
 * (pods by node, nodes by name) are built once so a decision over thousands of nodes stays cheap.
 */
public final class ClusterSnapshot {
  private final Instant takenAt;
  private final List<ClusterNode> nodes;
  private final List<PodInfo> pods;
  private final Map<String, ClusterNode> nodesByName;
  private final Map<String, List<PodInfo>> podsByNode;
  private final List<PodInfo> unscheduled;

  /**
   * Creates a snapshot.
   *
   * @param takenAt when it was taken
   * @param nodes every node (names unique)
   * @param pods every pod
   */
  public ClusterSnapshot(Instant takenAt, List<ClusterNode> nodes, List<PodInfo> pods) {
    this.takenAt = Objects.requireNonNull(takenAt, "takenAt");
    this.nodes = List.copyOf(nodes);
    this.pods = List.copyOf(pods);
    Map<String, ClusterNode> byName = new LinkedHashMap<>();
    for (ClusterNode n : this.nodes) {
      if (byName.put(n.name(), n) != null) {
        throw new IllegalArgumentException("duplicate node name in snapshot: " + n.name());
      }
    }
    this.nodesByName = Collections.unmodifiableMap(byName);
    Map<String, List<PodInfo>> byNode = new HashMap<>();
    List<PodInfo> waiting = new ArrayList<>();
    for (PodInfo p : this.pods) {
      if (p.node().isPresent()) {
        byNode.computeIfAbsent(p.node().get(), k -> new ArrayList<>()).add(p);
      } else if (p.unscheduled()) {
        waiting.add(p);
      }
    }
    byNode.replaceAll((k, v) -> List.copyOf(v));
    this.podsByNode = Collections.unmodifiableMap(byNode);
    this.unscheduled = List.copyOf(waiting);
  }

  /** An empty cluster. */
  public static ClusterSnapshot empty(Instant at) {
    return new ClusterSnapshot(at, List.of(), List.of());
  }

  /** When it was taken. */
  public Instant takenAt() {
    return takenAt;
  }

  /** Every node, in a stable order. */
  public List<ClusterNode> nodes() {
    return nodes;
  }

  /** Every pod. */
  public List<PodInfo> pods() {
    return pods;
  }

  /** A node by name. */
  public Optional<ClusterNode> node(String name) {
    return Optional.ofNullable(nodesByName.get(name));
  }

  /** The pods bound to a node (any phase, any kind). */
  public List<PodInfo> podsOn(String node) {
    return podsByNode.getOrDefault(node, List.of());
  }

  /** The pods waiting for a node. */
  public List<PodInfo> unscheduledPods() {
    return unscheduled;
  }

  /** Whether a workload pod (not DaemonSet or mirror) is active on the node. */
  public boolean hasWork(String node) {
    for (PodInfo p : podsOn(node)) {
      if (p.isWorkOnNode()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ClusterSnapshot[" + takenAt + ", " + nodes.size() + " nodes, " + pods.size() + " pods]";
  }
}
