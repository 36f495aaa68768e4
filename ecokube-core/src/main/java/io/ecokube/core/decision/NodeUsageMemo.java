package io.ecokube.core.decision;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.Resources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per node, what its pods added up to in the previous decision step, so the next step
 * does not have to read every pod again. Pods are immutable values: when a node's pod list holds
 * the same pod instances as last time (compared by reference, without reading the pods), its totals
 * are reused. A changed list is summed again. The memo never changes a decision, only how fast it
 * is made; {@link Decider#decide(DecisionInput)} without one gives the same plans.
 *
 * <p>Not thread-safe: one memo per decision loop.
 */
public final class NodeUsageMemo {

  /** What a node's active pods add up to. */
  static final class Usage {
    final PodInfo[] pods;
    long cpu;
    long mem;
    int gpu;
    int slots;
    boolean work;

    /** Active pods per demanded workload: parallel arrays of workload index and count. */
    int[] ownerIdx = new int[0];

    int[] ownerCount = new int[0];
    long generation;

    Usage(PodInfo[] pods) {
      this.pods = pods;
    }

    boolean sameAs(List<PodInfo> list) {
      if (list.size() != pods.length) {
        return false;
      }
      for (int i = 0; i < pods.length; i++) {
        if (list.get(i) != pods[i]) {
          return false;
        }
      }
      return true;
    }

    /** Sums the pods; {@code remember} keeps their references for {@link #sameAs}. */
    static Usage of(List<PodInfo> list, Owners owners, boolean remember) {
      Usage u = new Usage(remember ? list.toArray(new PodInfo[0]) : null);
      Map<Integer, int[]> counts = null;
      for (PodInfo p : list) {
        if (!p.phase().active()) {
          continue;
        }
        Resources q = p.scheduling().requests();
        u.cpu += q.cpuMillis();
        u.mem += q.memoryBytes();
        u.gpu += q.gpus();
        u.slots += q.pods();
        if (p.kind().countsAsWork()) {
          u.work = true;
        }
        Optional<WorkloadRef> owner = p.owner();
        if (!owners.isEmpty() && owner.isPresent()) {
          Integer k = owners.indexOf(owner.get());
          if (k != null) {
            if (counts == null) {
              counts = new HashMap<>();
            }
            counts.computeIfAbsent(k, x -> new int[1])[0]++;
          }
        }
      }
      if (counts != null) {
        u.ownerIdx = new int[counts.size()];
        u.ownerCount = new int[counts.size()];
        int j = 0;
        for (Map.Entry<Integer, int[]> e : counts.entrySet()) {
          u.ownerIdx[j] = e.getKey();
          u.ownerCount[j] = e.getValue()[0];
          j++;
        }
      }
      return u;
    }
  }

  /**
   * The demanded workloads, numbered. Looks a pod's owner up by name first: a String caches its
   * hash, so the many pods of workloads that are not demanded cost one cheap probe.
   */
  static final class Owners {
    private final Map<WorkloadRef, Integer> index = new HashMap<>();
    private final Map<String, Boolean> names = new HashMap<>();

    /** Numbers the workload if new; returns whether it was new. */
    boolean add(WorkloadRef w) {
      if (index.containsKey(w)) {
        return false;
      }
      index.put(w, index.size());
      names.put(w.name(), Boolean.TRUE);
      return true;
    }

    /** The workload's number, null when it is not demanded. */
    Integer indexOf(WorkloadRef w) {
      return names.containsKey(w.name()) ? index.get(w) : null;
    }

    boolean isEmpty() {
      return index.isEmpty();
    }
  }

  private final Map<String, Usage> byNode = new HashMap<>();
  private List<WorkloadRef> owners = List.of();
  private long generation;

  /** An empty memo. */
  public NodeUsageMemo() {}

  /** Starts a step: owner counts are only reusable for the same demanded workloads, in order. */
  void begin(List<WorkloadRef> demanded) {
    generation++;
    if (!demanded.equals(owners)) {
      owners = List.copyOf(demanded);
      byNode.clear();
    }
  }

  /** The node's totals, reused when its pods are the same instances as last step. */
  Usage usage(String node, List<PodInfo> pods, Owners ownerIndex) {
    Usage u = byNode.get(node);
    if (u == null || !u.sameAs(pods)) {
      u = Usage.of(pods, ownerIndex, true);
      byNode.put(node, u);
    }
    u.generation = generation;
    return u;
  }

  /** Forgets nodes that were not in this step's snapshot. */
  void end() {
    if (byNode.size() > 0) {
      byNode.values().removeIf(u -> u.generation != generation);
    }
  }

  /** How many nodes are remembered. */
  public int size() {
    return byNode.size();
  }
}
