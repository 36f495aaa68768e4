package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.BudgetSpend;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Builds decision inputs for tests: nodes in given states, pods, demand, then decides. */
public final class Scenario {
  public static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");
  public static final long GIB = 1024L * 1024 * 1024;

  public Instant now = T0;
  public EnginePolicy policy = EnginePolicy.defaults();
  public Demand demand;
  private final List<ClusterNode> nodes = new ArrayList<>();
  private final List<PodInfo> pods = new ArrayList<>();
  private final Map<String, NodeRecord> records = new HashMap<>();
  private final Map<String, Instant> emptySince = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final List<Instant> wakes = new ArrayList<>();
  private final List<Instant> suspends = new ArrayList<>();
  private int podSeq;
  public Tariff tariff = FlatTariff.typicalEurope();
  public BudgetSpend spend = BudgetSpend.none();
  public final Map<WorkloadRef, Instant> waitingSince = new HashMap<>();

  /** A managed worker: 8 cores, 32 GiB, 110 pods, typical server power, pool {@code workers}. */
  public static NodeSpec.Builder worker(String name) {
    return NodeSpec.builder(name)
        .pool("workers")
        .allocatable(new Resources(8000, 32 * GIB, 0, 110))
        .power(PowerProfile.typicalServer())
        .address(new PowerAddress(List.of(new DriverSpec("sim", Map.of()))));
  }

  /** A pod request of the given CPU and 1 GiB. */
  public static SchedulingRequirements cpu(long millis) {
    return SchedulingRequirements.of(Resources.request(millis, GIB, 0));
  }

  public Scenario policy(EnginePolicy p) {
    this.policy = p;
    return this;
  }

  public Scenario demand(Demand d) {
    this.demand = d;
    return this;
  }

  /** An ACTIVE, Ready, uncordoned node, on for a day. */
  public Scenario active(NodeSpec spec) {
    return node(spec, true, false, rec(NodeLifecycle.ACTIVE, now.minus(Duration.ofDays(1))));
  }

  /** An ACTIVE node empty of work for the given time. */
  public Scenario idle(NodeSpec spec, Duration idleFor) {
    active(spec);
    emptySince.put(spec.name(), now.minus(idleFor));
    return this;
  }

  /** An OFF node, off for the given time. */
  public Scenario off(NodeSpec spec, Duration offFor) {
    Instant at = now.minus(offFor);
    return node(
        spec,
        false,
        true,
        new NodeRecord(NodeLifecycle.OFF, at, List.of(), Optional.of(at), 0, 0, Optional.empty()));
  }

  public Scenario node(NodeSpec spec, boolean ready, boolean cordoned, NodeRecord r) {
    nodes.add(new ClusterNode(spec, ready, cordoned));
    if (r != null) {
      records.put(spec.name(), r);
    }
    return this;
  }

  public static NodeRecord rec(NodeLifecycle s, Instant since) {
    return NodeRecord.initial(s, since);
  }

  public Scenario record(String node, NodeRecord r) {
    records.put(node, r);
    return this;
  }

  public Scenario emptySince(String node, Instant at) {
    emptySince.put(node, at);
    return this;
  }

  public Scenario inFlight(String node) {
    inFlight.add(node);
    return this;
  }

  public Scenario recentWake(Instant at) {
    wakes.add(at);
    return this;
  }

  public Scenario recentSuspend(Instant at) {
    suspends.add(at);
    return this;
  }

  public Scenario pod(PodInfo p) {
    pods.add(p);
    return this;
  }

  /** A running workload pod of the given CPU on the node. */
  public Scenario running(String node, long cpuMillis) {
    return pod(PodInfo.running("default", "run-" + podSeq++, node, cpu(cpuMillis)));
  }

  public Scenario daemonSet(String node) {
    return pod(
        new PodInfo(
            "kube-system",
            "ds-" + podSeq++,
            PodKind.DAEMONSET,
            PodPhase.RUNNING,
            Optional.of(node),
            cpu(100),
            Optional.empty(),
            0,
            Optional.empty()));
  }

  public Scenario mirror(String node) {
    return pod(
        new PodInfo(
            "kube-system",
            "mirror-" + podSeq++,
            PodKind.MIRROR,
            PodPhase.RUNNING,
            Optional.of(node),
            cpu(100),
            Optional.empty(),
            0,
            Optional.empty()));
  }

  /** {@code count} pending pods of the given requirements. */
  public Scenario pending(int count, SchedulingRequirements s) {
    for (int i = 0; i < count; i++) {
      pod(PodInfo.pending("default", "pending-" + podSeq++, s));
    }
    return this;
  }

  /** {@code count} pending pods of 1 core with the given priority. */
  public Scenario pendingWithPriority(int count, int priority) {
    for (int i = 0; i < count; i++) {
      pod(
          new PodInfo(
              "default",
              "pending-" + podSeq++,
              PodKind.WORKLOAD,
              PodPhase.PENDING,
              Optional.empty(),
              cpu(1000),
              Optional.empty(),
              priority,
              Optional.empty()));
    }
    return this;
  }

  /** A running pod owned by a workload. */
  public Scenario owned(WorkloadRef w, String node, long cpuMillis) {
    return pod(
        new PodInfo(
            w.namespace(),
            w.name() + "-" + podSeq++,
            PodKind.WORKLOAD,
            PodPhase.RUNNING,
            Optional.of(node),
            cpu(cpuMillis),
            Optional.of(w),
            0,
            Optional.empty()));
  }

  public DecisionInput input() {
    return DecisionInput.builder(
            now,
            new ClusterSnapshot(now, nodes, pods),
            demand == null ? Demand.none(now) : demand,
            policy)
        .records(records)
        .emptySince(emptySince)
        .inFlight(inFlight)
        .recentWakes(wakes)
        .recentSuspends(suspends)
        .tariff(tariff)
        .spend(spend)
        .waitingSince(waitingSince)
        .build();
  }

  public Plan decide() {
    return Decider.decide(input());
  }

  // ---- plan helpers

  public static List<String> nodesWith(Plan p, ActionType t) {
    return p.actions().stream().filter(a -> a.type() == t).map(PlannedAction::node).toList();
  }

  public static Optional<PlannedAction> action(Plan p, String node) {
    return p.actions().stream().filter(a -> a.node().equals(node)).findFirst();
  }

  public static List<HeldBack> held(Plan p, ActionType t) {
    return p.heldBack().stream().filter(h -> h.wanted() == t).toList();
  }
}
