package io.ecokube.core.decision;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.Resources;
import java.util.Arrays;
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
      // Owner counts in small parallel arrays: a node runs pods of few demanded workloads.
      int[] idx = null;
      int[] cnt = null;
      int m = 0;
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
            if (idx == null) {
              idx = new int[4];
              cnt = new int[4];
            }
            int j = 0;
            while (j < m && idx[j] != k) {
              j++;
            }
            if (j == m) {
              if (m == idx.length) {
                idx = Arrays.copyOf(idx, 2 * m);
                cnt = Arrays.copyOf(cnt, 2 * m);
              }
              idx[m++] = k;
            }
            cnt[j]++;
          }
        }
      }
      if (idx != null) {
        u.ownerIdx = Arrays.copyOf(idx, m);
        u.ownerCount = Arrays.copyOf(cnt, m);
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

  /** Last step's nodes by position in the snapshot, and their totals. */
  private String[] names = new String[0];

  private Usage[] usages = new Usage[0];

  /** This step's, filled by {@link #usage} and kept by {@link #end}. */
  private String[] nextNames = new String[0];

  private Usage[] nextUsages = new Usage[0];

  /** Last step's totals by name, built only when a node is not where it was last step. */
  private Map<String, Usage> byName;

  private List<WorkloadRef> owners = List.of();

  /** An empty memo. */
  public NodeUsageMemo() {}

  /**
   * Starts a step over {@code nodes} nodes: owner counts are only reusable for the same demanded
   * workloads, in order.
   */
  void begin(List<WorkloadRef> demanded, int nodes) {
    if (!demanded.equals(owners)) {
      owners = List.copyOf(demanded);
      names = new String[0];
      usages = new Usage[0];
    }
    nextNames = new String[nodes];
    nextUsages = new Usage[nodes];
    byName = null;
  }

  /**
   * Last step's totals of the node at {@code position}, when it was at the same position and its
   * pods are the same instances; null otherwise (then {@link #usage} finds or sums them). Safe to
   * call for distinct positions from several threads: it only reads last step's arrays and writes
   * this step's slot.
   */
  Usage reuse(int position, String node, List<PodInfo> pods) {
    if (position < names.length && node.equals(names[position])) {
      Usage u = usages[position];
      if (u.sameAs(pods)) {
        nextNames[position] = node;
        nextUsages[position] = u;
        return u;
      }
    }
    return null;
  }

  /**
   * The totals of the node at {@code position} in this step's snapshot, reused when its pods are
   * the same instances as last step. Nodes usually keep their position from one snapshot to the
   * next, so last step's entry is found without hashing.
   */
  Usage usage(int position, String node, List<PodInfo> pods, Owners ownerIndex) {
    Usage u = null;
    if (position < names.length && node.equals(names[position])) {
      u = usages[position];
    } else if (names.length > 0) {
      if (byName == null) {
        byName = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
          byName.put(names[i], usages[i]);
        }
      }
      u = byName.get(node);
    }
    if (u == null || !u.sameAs(pods)) {
      u = Usage.of(pods, ownerIndex, true);
    }
    nextNames[position] = node;
    nextUsages[position] = u;
    return u;
  }

  /** Ends a step: only the nodes of this step's snapshot are remembered. */
  void end() {
    names = nextNames;
    usages = nextUsages;
    byName = null;
  }

  /** How many nodes are remembered. */
  public int size() {
    return names.length;
  }
}
