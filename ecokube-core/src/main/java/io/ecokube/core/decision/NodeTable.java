package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The nodes of one decision step as parallel arrays, indexed once from the snapshot: state, free
 * amounts, projected draw per pool. The stages read it and book what they commit into it (pods
 * placed, capacity taken, nodes acted on), so a later stage sees the effect of an earlier one.
 * Lives for one step only.
 */
final class NodeTable {

  /** From this many nodes on, a step without a memo sums pods on several cores. */
  static final int PARALLEL_NODES = 1024;

  final Instant now;
  final int n;
  final ClusterNode[] nodes;
  final NodeRecord[] recs;
  final NodeLifecycle[] state;
  final boolean[] inFlight;
  final boolean[] work;
  final long[] freeCpu;
  final long[] freeMem;
  final int[] freeGpu;
  final int[] freePods;
  final long[] usedCpu;

  /** Pods of the demand placed on each node in this step. */
  final int[] placed;

  /** Nodes some stage has proposed an action for in this step. */
  final boolean[] acted;

  final Map<String, int[]> onByPool = new HashMap<>();
  final Map<String, int[]> activeByPool = new HashMap<>();
  final Map<String, double[]> wattsByPool = new HashMap<>();
  double clusterWatts;

  /** Active pods (bound to a node of the snapshot, or waiting) per demanded workload. */
  final Map<WorkloadRef, Integer> activeOf = new HashMap<>();

  private NodeTable(DecisionInput in) {
    this.now = in.now();
    List<ClusterNode> list = in.snapshot().nodes();
    this.n = list.size();
    this.nodes = list.toArray(new ClusterNode[0]);
    this.recs = new NodeRecord[n];
    this.state = new NodeLifecycle[n];
    this.inFlight = new boolean[n];
    this.work = new boolean[n];
    this.freeCpu = new long[n];
    this.freeMem = new long[n];
    this.freeGpu = new int[n];
    this.freePods = new int[n];
    this.usedCpu = new long[n];
    this.placed = new int[n];
    this.acted = new boolean[n];
  }

  /**
   * Indexes the input's nodes; with a memo, nodes whose pods are the same instances as in the
   * memo's last step reuse their totals.
   */
  static NodeTable index(DecisionInput in, Optional<NodeUsageMemo> memo) {
    NodeTable t = new NodeTable(in);
    t.fill(in, memo);
    return t;
  }

  private void fill(DecisionInput in, Optional<NodeUsageMemo> memo) {
    ClusterSnapshot snap = in.snapshot();
    List<WorkloadRef> demanded = new ArrayList<>();
    NodeUsageMemo.Owners ownerIndex = new NodeUsageMemo.Owners();
    for (List<WorkloadDemand> l : List.of(in.demand().desired(), in.demand().expected())) {
      for (WorkloadDemand d : l) {
        if (ownerIndex.add(d.workload())) {
          demanded.add(d.workload());
        }
      }
    }
    int[] owned = new int[demanded.size()];
    if (!demanded.isEmpty()) {
      for (PodInfo p : snap.unscheduledPods()) {
        Optional<WorkloadRef> owner = p.owner();
        Integer k = owner.isPresent() ? ownerIndex.indexOf(owner.get()) : null;
        if (k != null) {
          owned[k]++;
        }
      }
    }
    memo.ifPresent(m -> m.begin(demanded, n));
    // Per node, independently: look its record and pods up and take its totals, from the memo
    // where its pods are unchanged. These lookups are bound by memory latency, so large clusters
    // split them across cores; the sums over nodes below stay sequential, in node order, so the
    // floating-point totals are the same as in a single pass.
    NodeUsageMemo.Usage[] usage = new NodeUsageMemo.Usage[n];
    double[] watts = new double[n];
    IntStream range = IntStream.range(0, n);
    if (n >= PARALLEL_NODES) {
      range = range.parallel();
    }
    range.forEach(
        i -> {
          String name = nodes[i].name();
          NodeRecord r = in.records().get(name);
          recs[i] = r;
          state[i] = r == null ? NodeLifecycle.UNKNOWN : r.state();
          inFlight[i] = in.inFlight().contains(name);
          List<PodInfo> pods = snap.podsOn(name);
          NodeUsageMemo.Usage u =
              memo.isPresent()
                  ? memo.get().reuse(i, name, pods)
                  : NodeUsageMemo.Usage.of(pods, ownerIndex, false);
          if (u != null) {
            usage[i] = u;
            watts[i] = take(i, u);
          }
        });
    for (int i = 0; i < n; i++) {
      NodeUsageMemo.Usage u = usage[i];
      if (u == null) {
        String name = nodes[i].name();
        u = memo.orElseThrow().usage(i, name, snap.podsOn(name), ownerIndex);
        watts[i] = take(i, u);
      }
      for (int j = 0; j < u.ownerIdx.length; j++) {
        owned[u.ownerIdx[j]] += u.ownerCount[j];
      }
      String pool = nodes[i].spec().pool();
      if (state[i].providesCapacity()) {
        onByPool.computeIfAbsent(pool, k -> new int[1])[0]++;
      }
      if (state[i] == NodeLifecycle.ACTIVE) {
        activeByPool.computeIfAbsent(pool, k -> new int[1])[0]++;
      }
      clusterWatts += watts[i];
      wattsByPool.computeIfAbsent(pool, k -> new double[1])[0] += watts[i];
    }
    memo.ifPresent(NodeUsageMemo::end);
    for (int k = 0; k < demanded.size(); k++) {
      activeOf.put(demanded.get(k), owned[k]);
    }
  }

  /** Books node {@code i}'s pod totals into the table; returns its projected draw. */
  private double take(int i, NodeUsageMemo.Usage u) {
    work[i] = u.work;
    usedCpu[i] = u.cpu;
    Resources alloc = nodes[i].spec().allocatable();
    freeCpu[i] = alloc.cpuMillis() - u.cpu;
    freeMem[i] = alloc.memoryBytes() - u.mem;
    freeGpu[i] = alloc.gpus() - u.gpu;
    freePods[i] = alloc.pods() - u.slots;
    return projectedWatts(i);
  }

  /** The draw a node is expected to have: the power model at its requested CPU. */
  private double projectedWatts(int i) {
    PowerProfile p = nodes[i].spec().power();
    switch (state[i]) {
      case OFF:
        return p.offWatts();
      case BOOTING:
        return Math.max(p.transitionWatts(), p.wattsAt(utilisation(i, usedCpu[i])));
      case SHUTTING_DOWN:
        return p.transitionWatts();
      default:
        // ACTIVE, DRAINING, and conservatively UNKNOWN and FAILED: assumed on.
        return p.wattsAt(utilisation(i, usedCpu[i]));
    }
  }

  /** The share of node {@code i}'s allocatable CPU that {@code cpu} millis are. */
  double utilisation(int i, long cpu) {
    long alloc = nodes[i].spec().allocatable().cpuMillis();
    return alloc == 0 ? 0 : (double) cpu / alloc;
  }

  /** Nodes that are on (or booting) in the pool, as booked so far in this step. */
  int[] onIn(String pool) {
    return onByPool.computeIfAbsent(pool, k -> new int[1]);
  }

  /** ACTIVE nodes of the pool in the snapshot. */
  int activeIn(String pool) {
    int[] c = activeByPool.get(pool);
    return c == null ? 0 : c[0];
  }

  /** ACTIVE nodes per pool in the snapshot, for the guard. */
  Map<String, Integer> activeCounts() {
    Map<String, Integer> out = new HashMap<>();
    activeByPool.forEach((pool, c) -> out.put(pool, c[0]));
    return out;
  }

  /** Projected draw of the pool, as booked so far in this step. */
  double wattsIn(String pool) {
    double[] w = wattsByPool.get(pool);
    return w == null ? 0 : w[0];
  }

  /** Books {@code watts} more draw for node {@code i}'s pool and the cluster. */
  void addWatts(int i, double watts) {
    clusterWatts += watts;
    wattsByPool.computeIfAbsent(nodes[i].spec().pool(), k -> new double[1])[0] += watts;
  }

  /** Since when node {@code i} has been off. */
  Instant offSince(int i) {
    return recs[i].lastPoweredOff().orElse(recs[i].since());
  }

  /** Whether nothing is planned for node {@code i} yet and nothing is in flight for it. */
  boolean free(int i) {
    return !acted[i] && !inFlight[i];
  }

  /** Marks node {@code i} as acted on and adds the action to {@code out}. */
  void propose(int i, ActionType type, String reason, List<PlannedAction> out) {
    acted[i] = true;
    out.add(new PlannedAction(nodes[i].name(), type, reason));
  }
}
