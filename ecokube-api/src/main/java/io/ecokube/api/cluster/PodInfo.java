package io.ecokube.api.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * A pod as the engine sees it.
 *
 * @param namespace its namespace
 * @param name its name
 * @param kind workload, DaemonSet or mirror pod
 * @param phase its phase
 * @param node the node it is bound to, empty while unscheduled
 * @param scheduling what it needs from a node
 * @param owner the workload that owns it, empty for a bare pod
 * @param priority its scheduling priority (higher is more important)
 * @param evictionBlocker why it must not be evicted (local storage, bare pod, do-not-disrupt
 *     annotation, ...); empty when a drain may evict it
 */
public record PodInfo(
    String namespace,
    String name,
    PodKind kind,
    PodPhase phase,
    Optional<String> node,
    SchedulingRequirements scheduling,
    Optional<WorkloadRef> owner,
    int priority,
    Optional<String> evictionBlocker) {

  /** Validates. */
  public PodInfo {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(scheduling, "scheduling");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(evictionBlocker, "evictionBlocker");
  }

  /** A running workload pod bound to a node, owned by nothing, evictable. */
  public static PodInfo running(
      String namespace, String name, String node, SchedulingRequirements s) {
    return new PodInfo(
        namespace,
        name,
        PodKind.WORKLOAD,
        PodPhase.RUNNING,
        Optional.of(node),
        s,
        Optional.empty(),
        0,
        Optional.empty());
  }

  /** A pending workload pod that no node could take. */
  public static PodInfo pending(String namespace, String name, SchedulingRequirements s) {
    return new PodInfo(
        namespace,
        name,
        PodKind.WORKLOAD,
        PodPhase.PENDING,
        Optional.empty(),
        s,
        Optional.empty(),
        0,
        Optional.empty());
  }

  /** Whether this pod waits for a node: pending and not bound. */
  public boolean unscheduled() {
    return phase == PodPhase.PENDING && node.isEmpty();
  }

  /** Whether this pod, bound to a node, keeps that node on (active work, not DaemonSet/mirror). */
  public boolean isWorkOnNode() {
    return node.isPresent() && phase.active() && kind.countsAsWork();
  }

  /** The same pod with another phase and node; for in-memory clusters and simulators. */
  public PodInfo withPlacement(PodPhase newPhase, Optional<String> newNode) {
    return new PodInfo(
        namespace, name, kind, newPhase, newNode, scheduling, owner, priority, evictionBlocker);
  }

  /** {@code namespace/name}. */
  public String key() {
    return namespace + "/" + name;
  }
}
