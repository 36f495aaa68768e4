package io.ecokube.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.decision.rank.WakeRankers;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Placing equal pods as one group, on the nodes the index offers, gives the same placement as
 * placing every pod on its own, first-fit over every node in placement order.
 */
class GroupPlacementPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
  private static final long GIB = 1024L * 1024 * 1024;
  private static final String[] ZONES = {"a", "b", "c"};
  private static final String[] TYPES = {"small", "large"};

  @Property(tries = 500)
  void groupPlacementEqualsPerPodPlacement(
      @ForAll @IntRange(min = 1, max = 60) int nodeCount,
      @ForAll @IntRange(min = 0, max = 300) int pendingCount,
      @ForAll @IntRange(min = 1, max = 10) int shapes,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    DecisionInput in = randomInput(rnd, nodeCount, pendingCount, shapes);

    NodeTable table = NodeTable.index(in, Optional.empty());
    DemandStage.Output demand = DemandStage.run(new DemandStage.Input(in, table.activeOf));
    FitStage.run(
        new FitStage.Input(in, table, demand.groups(), WakeRankers.named(WakeRankers.DEFAULT)));

    int[] expected = perPod(in);
    assertThat(table.placed).containsExactly(expected);
    int unplaced = 0;
    for (PodGroup g : demand.groups()) {
      unplaced += g.left;
    }
    int placed = 0;
    for (int k : expected) {
      placed += k;
    }
    assertThat(unplaced).isEqualTo(pendingCount - placed);
    Statistics.label("some placed, some not")
        .collect(placed > 0 && unplaced > 0)
        .coverage(c -> c.check(true).percentage(p -> p > 20));
  }

  /** The reference: each pod on its own, first-fit over the nodes in placement order. */
  private static int[] perPod(DecisionInput in) {
    List<ClusterNode> nodes = in.snapshot().nodes();
    int n = nodes.size();
    long[] cpu = new long[n];
    long[] mem = new long[n];
    int[] slots = new int[n];
    List<Integer> busy = new ArrayList<>();
    List<Integer> booting = new ArrayList<>();
    List<Integer> idle = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ClusterNode cn = nodes.get(i);
      Resources free = cn.spec().allocatable();
      cpu[i] = free.cpuMillis();
      mem[i] = free.memoryBytes();
      slots[i] = free.pods();
      boolean work = false;
      for (PodInfo p : in.snapshot().podsOn(cn.name())) {
        cpu[i] -= p.scheduling().requests().cpuMillis();
        mem[i] -= p.scheduling().requests().memoryBytes();
        slots[i] -= p.scheduling().requests().pods();
        work |= p.kind().countsAsWork();
      }
      NodeLifecycle s = in.records().get(cn.name()).state();
      if (s == NodeLifecycle.BOOTING) {
        booting.add(i);
      } else if (s == NodeLifecycle.ACTIVE && !cn.cordoned()) {
        (work ? busy : idle).add(i);
      }
    }
    idle.sort(
        Comparator.comparing(
                (Integer i) -> in.emptySince().getOrDefault(nodes.get(i).name(), in.now()))
            .reversed());
    List<Integer> order = new ArrayList<>(busy);
    order.addAll(booting);
    order.addAll(idle);
    int[] placed = new int[n];
    for (PodInfo p : in.snapshot().unscheduledPods()) {
      Resources q = p.scheduling().requests();
      for (int i : order) {
        NodeSpec spec = nodes.get(i).spec();
        if (q.cpuMillis() <= cpu[i]
            && q.memoryBytes() <= mem[i]
            && q.pods() <= slots[i]
            && p.scheduling().admits(spec)) {
          cpu[i] -= q.cpuMillis();
          mem[i] -= q.memoryBytes();
          slots[i] -= q.pods();
          placed[i]++;
          break;
        }
      }
    }
    return placed;
  }

  /**
   * ACTIVE (busy, idle or cordoned) and BOOTING nodes of three zones and two types, some tainted;
   * pending pods of a few shapes with selectors, affinity of every operator and tolerations, listed
   * shape by shape (the order groups are placed in). No OFF or DRAINING nodes, so every placement
   * is on a node that is on.
   */
  private static DecisionInput randomInput(Random rnd, int nodeCount, int pending, int shapes) {
    List<ClusterNode> nodes = new ArrayList<>();
    Map<String, NodeRecord> records = new HashMap<>();
    Map<String, Instant> empty = new HashMap<>();
    List<PodInfo> pods = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      String name = "n" + i;
      NodeSpec.Builder b =
          Scenario.worker(name)
              .allocatable(
                  new Resources(
                      1000L * (1 + rnd.nextInt(16)),
                      GIB * (1 + rnd.nextInt(32)),
                      0,
                      1 + rnd.nextInt(30)));
      if (rnd.nextInt(4) != 0) {
        b.label("zone", ZONES[rnd.nextInt(ZONES.length)]);
      }
      b.label("type", TYPES[rnd.nextInt(TYPES.length)]);
      if (rnd.nextInt(5) == 0) {
        b.taint(new Taint("dedicated", "batch", TaintEffect.NO_SCHEDULE));
      }
      if (rnd.nextInt(7) == 0) {
        b.taint(new Taint("soft", "x", TaintEffect.PREFER_NO_SCHEDULE));
      }
      NodeLifecycle state = rnd.nextInt(5) == 0 ? NodeLifecycle.BOOTING : NodeLifecycle.ACTIVE;
      nodes.add(new ClusterNode(b.build(), true, rnd.nextInt(8) == 0));
      records.put(name, NodeRecord.initial(state, NOW.minus(Duration.ofHours(1))));
      if (rnd.nextBoolean()) {
        int running = rnd.nextInt(6);
        for (int k = 0; k < running; k++) {
          pods.add(
              PodInfo.running(
                  "default",
                  name + "-run-" + k,
                  name,
                  SchedulingRequirements.of(
                      Resources.request(250L * (1 + rnd.nextInt(8)), GIB / 2, 0))));
        }
      } else {
        empty.put(name, NOW.minusSeconds(rnd.nextInt(20_000)));
      }
    }
    List<SchedulingRequirements> shapeList = new ArrayList<>();
    // Distinct shapes: equal ones would form one group, placed where the first of them is listed.
    while (shapeList.size() < shapes) {
      SchedulingRequirements shape = randomShape(rnd);
      if (!shapeList.contains(shape)) {
        shapeList.add(shape);
      }
    }
    int seq = 0;
    for (int s = 0; s < shapes; s++) {
      int count = s == shapes - 1 ? pending - seq : rnd.nextInt(pending - seq + 1);
      for (int k = 0; k < count; k++) {
        pods.add(PodInfo.pending("default", "p" + seq++, shapeList.get(s)));
      }
    }
    return DecisionInput.builder(
            NOW, new ClusterSnapshot(NOW, nodes, pods), Demand.none(NOW), EnginePolicy.defaults())
        .records(records)
        .emptySince(empty)
        .build();
  }

  private static SchedulingRequirements randomShape(Random rnd) {
    Resources req =
        Resources.request(250L * (1 + rnd.nextInt(12)), GIB / 4 * (1 + rnd.nextInt(16)), 0);
    Map<String, String> selector = new HashMap<>();
    if (rnd.nextInt(3) == 0) {
      selector.put("type", TYPES[rnd.nextInt(TYPES.length)]);
    }
    List<NodeSelectorRequirement> affinity = new ArrayList<>();
    if (rnd.nextInt(3) == 0) {
      NodeSelectorRequirement.Operator op =
          NodeSelectorRequirement.Operator.values()[
              rnd.nextInt(NodeSelectorRequirement.Operator.values().length)];
      Set<String> values =
          rnd.nextBoolean() ? Set.of(ZONES[rnd.nextInt(3)]) : Set.of(ZONES[0], ZONES[2]);
      boolean needsValues =
          op == NodeSelectorRequirement.Operator.IN
              || op == NodeSelectorRequirement.Operator.NOT_IN;
      affinity.add(new NodeSelectorRequirement("zone", op, needsValues ? values : Set.of()));
    }
    List<Toleration> tolerations =
        rnd.nextInt(3) == 0 ? List.of(Toleration.equal("dedicated", "batch")) : List.of();
    return new SchedulingRequirements(req, selector, affinity, tolerations);
  }
}
