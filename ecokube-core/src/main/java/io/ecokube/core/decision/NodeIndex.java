package io.ecokube.core.decision;

import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fit stage's index of the nodes demand is placed on, by position in placement order: which
 * nodes carry each label value that some group selects on, which nodes have no repelling taint, and
 * which still have room for the smallest pod of any group. For a group it gives the positions that
 * may admit it and have room, a superset of those that do, so first-fit over them places exactly as
 * a scan of every node would, at a cost of the candidates rather than of all nodes.
 */
final class NodeIndex {

  private final NodeTable t;
  private final int[] order;

  /** Positions per label key and value, only for keys some group's selector or affinity names. */
  private final Map<String, Map<String, BitSet>> byLabel = new HashMap<>();

  private final BitSet untainted = new BitSet();

  /** Positions with room for at least the smallest request of every dimension. */
  private final BitSet open = new BitSet();

  private final Map<SchedulingRequirements, BitSet> admitting = new HashMap<>();
  private long minCpu = Long.MAX_VALUE;
  private long minMem = Long.MAX_VALUE;
  private int minGpu = Integer.MAX_VALUE;
  private int minPods = Integer.MAX_VALUE;

  NodeIndex(NodeTable table, int[] order, List<PodGroup> groups) {
    this.t = table;
    this.order = order;
    Set<String> keys = new HashSet<>();
    for (PodGroup g : groups) {
      keys.addAll(g.req.nodeSelector().keySet());
      for (NodeSelectorRequirement r : g.req.requiredAffinity()) {
        if (narrows(r)) {
          keys.add(r.key());
        }
      }
      Resources q = g.req.requests();
      minCpu = Math.min(minCpu, q.cpuMillis());
      minMem = Math.min(minMem, q.memoryBytes());
      minGpu = Math.min(minGpu, q.gpus());
      minPods = Math.min(minPods, q.pods());
    }
    for (int p = 0; p < order.length; p++) {
      int i = order[p];
      Map<String, String> labels = t.nodes[i].spec().labels();
      for (String k : keys) {
        String v = labels.get(k);
        if (v != null) {
          byLabel
              .computeIfAbsent(k, x -> new HashMap<>())
              .computeIfAbsent(v, x -> new BitSet())
              .set(p);
        }
      }
      boolean repels = false;
      for (Taint taint : t.nodes[i].spec().taints()) {
        repels |= taint.repels();
      }
      if (!repels) {
        untainted.set(p);
      }
      refresh(p);
    }
  }

  /** Whether the term rules nodes out by the labels they carry (IN, EXISTS). */
  private static boolean narrows(NodeSelectorRequirement r) {
    return r.operator() == NodeSelectorRequirement.Operator.IN
        || r.operator() == NodeSelectorRequirement.Operator.EXISTS;
  }

  /**
   * The positions that may admit pods of these requirements and still have room for some pod, in
   * placement order. A fresh set the caller may change.
   */
  BitSet candidates(SchedulingRequirements req) {
    BitSet c = (BitSet) admitting.computeIfAbsent(req, this::mayAdmit).clone();
    c.and(open);
    return c;
  }

  /** Takes the position out of the open set once it has no room for the smallest request left. */
  void refresh(int p) {
    int i = order[p];
    boolean room =
        t.freeCpu[i] >= minCpu
            && t.freeMem[i] >= minMem
            && t.freeGpu[i] >= minGpu
            && t.freePods[i] >= minPods;
    open.set(p, room);
  }

  private BitSet mayAdmit(SchedulingRequirements req) {
    BitSet c = new BitSet();
    c.set(0, order.length);
    for (Map.Entry<String, String> e : req.nodeSelector().entrySet()) {
      c.and(positions(e.getKey(), Set.of(e.getValue())));
    }
    for (NodeSelectorRequirement r : req.requiredAffinity()) {
      if (r.operator() == NodeSelectorRequirement.Operator.IN) {
        c.and(positions(r.key(), r.values()));
      } else if (r.operator() == NodeSelectorRequirement.Operator.EXISTS) {
        c.and(positions(r.key(), null));
      }
    }
    if (req.tolerations().isEmpty()) {
      c.and(untainted);
    }
    return c;
  }

  /** Positions whose label {@code key} has one of {@code values} (any value when null). */
  private BitSet positions(String key, Set<String> values) {
    BitSet out = new BitSet();
    Map<String, BitSet> byValue = byLabel.getOrDefault(key, Map.of());
    if (values == null) {
      byValue.values().forEach(out::or);
    } else {
      for (String v : values) {
        BitSet b = byValue.get(v);
        if (b != null) {
          out.or(b);
        }
      }
    }
    return out;
  }
}
