package io.ecokube.benchmarks;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.NodeSelectorRequirement;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;

/**
 * A large, realistic-looking cluster for benchmarks: pools, zones, GPU nodes with taints, nodes in
 * every lifecycle state, running workload and DaemonSet pods, pending pods from a few dozen
 * workloads, and desired and forecast demand. Deterministic for a given seed.
 */
public final class SyntheticCluster {
  private static final long GIB = 1024L * 1024 * 1024;
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private final ClusterSnapshot snapshot;
  private final Demand demand;
  private final EnginePolicy policy;
  private final Map<String, NodeRecord> records;
  private final Map<String, Instant> emptySince;

  private SyntheticCluster(
      ClusterSnapshot snapshot,
      Demand demand,
      EnginePolicy policy,
      Map<String, NodeRecord> records,
      Map<String, Instant> emptySince) {
    this.snapshot = snapshot;
    this.demand = demand;
    this.policy = policy;
    this.records = records;
    this.emptySince = emptySince;
  }

  /** The decision input the engine would build for this cluster. */
  public DecisionInput input() {
    return DecisionInput.builder(NOW, snapshot, demand, policy)
        .records(records)
        .emptySince(emptySince)
        .build();
  }

  /**
   * The same cluster a moment later: the pods of every {@code 1/everyNth} node are new instances
   * (same content), as when an informer delivers updates for those nodes' pods.
   */
  public SyntheticCluster churned(int everyNth) {
    List<PodInfo> pods = new ArrayList<>(snapshot.pods().size());
    for (PodInfo p : snapshot.pods()) {
      boolean touched =
          p.node().isPresent() && Math.floorMod(p.node().get().hashCode(), everyNth) == 0;
      pods.add(touched ? p.withPlacement(p.phase(), p.node()) : p);
    }
    return new SyntheticCluster(
        new ClusterSnapshot(NOW, snapshot.nodes(), pods), demand, policy, records, emptySince);
  }

  /** The snapshot. */
  public ClusterSnapshot snapshot() {
    return snapshot;
  }

  /** How varied the nodes and pod constraints are. */
  public enum Mix {
    /** One node size, GPU nodes tainted, a third of the workloads pinned to a zone. */
    UNIFORM,
    /**
     * Three node sizes ({@code node.kubernetes.io/instance-type}), two of the ten pools dedicated
     * (tainted, with workloads that tolerate and select them), GPU nodes, and workloads pinned to a
     * zone, to an instance type, or to several zones at once.
     */
    MIXED
  }

  /** A {@link Mix#UNIFORM} cluster; see {@link #generate(int, int, int, long, Mix)}. */
  public static SyntheticCluster generate(
      int nodeCount, int runningPods, int pendingPods, long seed) {
    return generate(nodeCount, runningPods, pendingPods, seed, Mix.UNIFORM);
  }

  /**
   * Generates a cluster.
   *
   * @param nodeCount nodes
   * @param runningPods running workload pods, spread over the nodes that are on
   * @param pendingPods unscheduled pods
   * @param seed the random seed
   * @param mix how varied nodes and constraints are
   */
  public static SyntheticCluster generate(
      int nodeCount, int runningPods, int pendingPods, long seed, Mix mix) {
    boolean mixed = mix == Mix.MIXED;
    Random rnd = new Random(seed);
    String[] zones = {"zone-a", "zone-b", "zone-c"};
    int poolCount = 10;
    EnginePolicy.Builder pb = EnginePolicy.builder();
    for (int p = 0; p < poolCount; p++) {
      pb.pool("pool-" + p, new PoolPolicy(2, 1, OptionalDouble.empty(), Optional.empty()));
    }
    EnginePolicy policy = pb.clusterPowerCapWatts(nodeCount * 400.0).build();
    PowerAddress address = new PowerAddress(List.of(new DriverSpec("ipmi", Map.of())));

    List<ClusterNode> nodes = new ArrayList<>(nodeCount);
    Map<String, NodeRecord> records = new HashMap<>();
    Map<String, Instant> empty = new HashMap<>();
    List<Integer> on = new ArrayList<>();
    List<PodInfo> pods = new ArrayList<>(runningPods + pendingPods + nodeCount);
    for (int i = 0; i < nodeCount; i++) {
      String name = "node-" + i;
      boolean gpu = i % 20 == 0;
      int pool = i % poolCount;
      int size = mixed ? SIZES[(i / poolCount) % SIZES.length] : 64;
      NodeSpec.Builder b =
          NodeSpec.builder(name)
              .pool("pool-" + pool)
              .label("kubernetes.io/hostname", name)
              .label("topology.kubernetes.io/zone", zones[i % zones.length])
              .allocatable(new Resources(size * 1000L, size * 4 * GIB, gpu ? 4 : 0, 110))
              .power(
                  new PowerProfile(
                      8,
                      100 + rnd.nextInt(80),
                      400 + rnd.nextInt(200),
                      250,
                      Duration.ofSeconds(120 + rnd.nextInt(240)),
                      Duration.ofSeconds(60)))
              .address(address)
              .controlPlane(i < 3);
      if (gpu) {
        b.label("accelerator", "gpu").taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE));
      }
      if (mixed) {
        b.label("node.kubernetes.io/instance-type", "c" + size);
        if (pool >= poolCount - DEDICATED_POOLS) {
          b.label("dedicated", "pool-" + pool)
              .taint(new Taint("dedicated", "pool-" + pool, TaintEffect.NO_SCHEDULE));
        }
      }
      NodeSpec spec = b.build();
      int roll = rnd.nextInt(100);
      NodeLifecycle state;
      if (i < 3 || roll < 70) {
        state = NodeLifecycle.ACTIVE;
      } else if (roll < 75) {
        state = NodeLifecycle.ACTIVE;
        empty.put(name, NOW.minus(Duration.ofMinutes(5 + rnd.nextInt(120))));
      } else if (roll < 95) {
        state = NodeLifecycle.OFF;
      } else if (roll < 98) {
        state = NodeLifecycle.BOOTING;
      } else {
        state = NodeLifecycle.DRAINING;
      }
      boolean ready = state == NodeLifecycle.ACTIVE || state == NodeLifecycle.DRAINING;
      nodes.add(new ClusterNode(spec, ready, state == NodeLifecycle.DRAINING));
      Instant since = NOW.minus(Duration.ofMinutes(30 + rnd.nextInt(10_000)));
      records.put(
          name,
          new NodeRecord(
              state,
              since,
              List.of(since),
              Optional.of(since.minus(Duration.ofHours(1 + rnd.nextInt(100)))),
              0,
              0,
              Optional.empty()));
      if (ready) {
        pods.add(
            new PodInfo(
                "kube-system",
                "node-exporter-" + i,
                PodKind.DAEMONSET,
                PodPhase.RUNNING,
                Optional.of(name),
                SchedulingRequirements.of(Resources.request(100, GIB / 8, 0)),
                Optional.empty(),
                0,
                Optional.empty()));
      }
      if (state == NodeLifecycle.ACTIVE && !empty.containsKey(name)) {
        on.add(i);
      }
    }
    int workloads = 200;
    List<WorkloadRef> refs = new ArrayList<>();
    List<SchedulingRequirements> templates = new ArrayList<>();
    for (int w = 0; w < workloads; w++) {
      refs.add(WorkloadRef.deployment("ns-" + (w % 20), "app-" + w));
      templates.add(mixed ? mixedTemplate(rnd, w, zones, poolCount) : template(rnd, w, zones));
    }
    for (int p = 0; p < runningPods; p++) {
      int w = rnd.nextInt(workloads);
      int node = on.get(rnd.nextInt(on.size()));
      WorkloadRef ref = refs.get(w);
      pods.add(
          new PodInfo(
              ref.namespace(),
              ref.name() + "-" + p,
              PodKind.WORKLOAD,
              PodPhase.RUNNING,
              Optional.of("node-" + node),
              SchedulingRequirements.of(Resources.request(500, GIB, 0)),
              Optional.of(ref),
              0,
              Optional.empty()));
    }
    for (int p = 0; p < pendingPods; p++) {
      int w = rnd.nextInt(40);
      WorkloadRef ref = refs.get(w);
      pods.add(
          new PodInfo(
              ref.namespace(),
              ref.name() + "-pending-" + p,
              PodKind.WORKLOAD,
              PodPhase.PENDING,
              Optional.empty(),
              templates.get(w),
              Optional.of(ref),
              0,
              Optional.empty()));
    }
    List<WorkloadDemand> desired = new ArrayList<>();
    List<WorkloadDemand> expected = new ArrayList<>();
    for (int w = 100; w < 120; w++) {
      desired.add(new WorkloadDemand(refs.get(w), 900, templates.get(w), 0, "lag-based"));
      expected.add(new WorkloadDemand(refs.get(w), 1000, templates.get(w), 0, "forecast"));
    }
    Demand demand = new Demand(NOW, desired, expected, Optional.empty());
    return new SyntheticCluster(
        new ClusterSnapshot(NOW, nodes, pods), demand, policy, records, empty);
  }

  /** Core counts of the node sizes of the mixed cluster. */
  private static final int[] SIZES = {32, 64, 96};

  /** The last pools of the mixed cluster are dedicated: tainted and selected by their workloads. */
  private static final int DEDICATED_POOLS = 2;

  private static SchedulingRequirements mixedTemplate(
      Random rnd, int w, String[] zones, int poolCount) {
    Resources req = Resources.request(250L * (1 + rnd.nextInt(16)), GIB * (1 + rnd.nextInt(8)), 0);
    switch (w % 7) {
      case 0:
        return new SchedulingRequirements(
            Resources.request(4000, 16 * GIB, 1),
            Map.of("accelerator", "gpu"),
            List.of(),
            List.of(Toleration.exists("gpu")));
      case 1:
        String pool = "pool-" + (poolCount - 1 - (w / 7) % DEDICATED_POOLS);
        return new SchedulingRequirements(
            req,
            Map.of("dedicated", pool),
            List.of(),
            List.of(Toleration.equal("dedicated", pool)));
      case 2:
        return new SchedulingRequirements(
            req,
            Map.of("node.kubernetes.io/instance-type", "c" + SIZES[w % SIZES.length]),
            List.of(),
            List.of());
      case 3:
        return new SchedulingRequirements(
            req,
            Map.of(),
            List.of(
                new NodeSelectorRequirement(
                    "topology.kubernetes.io/zone",
                    NodeSelectorRequirement.Operator.IN,
                    Set.of(zones[w % zones.length], zones[(w + 1) % zones.length]))),
            List.of());
      case 4:
        return new SchedulingRequirements(
            req,
            Map.of("topology.kubernetes.io/zone", zones[w % zones.length]),
            List.of(),
            List.of());
      default:
        return SchedulingRequirements.of(req);
    }
  }

  private static SchedulingRequirements template(Random rnd, int w, String[] zones) {
    Resources req = Resources.request(250L * (1 + rnd.nextInt(16)), GIB * (1 + rnd.nextInt(8)), 0);
    if (w % 10 == 0) {
      return new SchedulingRequirements(
          Resources.request(4000, 16 * GIB, 1),
          Map.of("accelerator", "gpu"),
          List.of(),
          List.of(Toleration.exists("gpu")));
    }
    if (w % 3 == 0) {
      return new SchedulingRequirements(
          req,
          Map.of(),
          List.of(
              new NodeSelectorRequirement(
                  "topology.kubernetes.io/zone",
                  NodeSelectorRequirement.Operator.IN,
                  Set.of(zones[w % zones.length]))),
          List.of());
    }
    return SchedulingRequirements.of(req);
  }
}
