package io.ecokube.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random clusters, pods, records and demand: whatever the earlier stages propose, the plan never
 * breaks a guard rule.
 */
class GuardPropertiesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
  private static final long GIB = 1024L * 1024 * 1024;
  private static final String[] POOLS = {"workers", "gpu", "edge"};

  @Property(tries = 10_000)
  void guardInvariantsAlwaysHold(
      @ForAll @IntRange(min = 1, max = 40) int nodeCount,
      @ForAll @IntRange(min = 0, max = 200) int podCount,
      @ForAll @IntRange(min = 0, max = 40) int pendingCount,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    DecisionInput in = randomInput(rnd, nodeCount, podCount, pendingCount);
    Plan plan = Decider.decide(in);
    checkInvariants(in, plan.actions());
    for (HeldBack h : plan.heldBack()) {
      assertThat(h.reason()).isNotBlank();
    }
    // The property must not hold vacuously: enough random cases do scale down and wake.
    boolean scaleDown =
        plan.actions().stream()
            .anyMatch(a -> a.type() == ActionType.DRAIN || a.type() == ActionType.POWER_OFF);
    boolean wake = plan.actions().stream().anyMatch(a -> a.type() == ActionType.WAKE);
    boolean refused = plan.heldBack().stream().anyMatch(h -> h.reason().startsWith("guard: "));
    Statistics.label("scale-down").collect(scaleDown);
    Statistics.label("wake").collect(wake);
    Statistics.label("guard refused").collect(refused);
    Statistics.label("scale-down").coverage(c -> c.check(true).percentage(pct -> pct > 5));
    Statistics.label("wake").coverage(c -> c.check(true).percentage(pct -> pct > 5));
  }

  @Property(tries = 10_000)
  void theGuardAloneRefusesEveryUnsafeProposal(
      @ForAll @IntRange(min = 1, max = 30) int nodeCount,
      @ForAll @IntRange(min = 0, max = 150) int podCount,
      @ForAll @IntRange(min = 1, max = 60) int proposals,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    DecisionInput in = randomInput(rnd, nodeCount, podCount, 0);
    List<PlannedAction> proposed = new ArrayList<>();
    ActionType[] types = ActionType.values();
    for (int i = 0; i < proposals; i++) {
      proposed.add(
          new PlannedAction("n" + rnd.nextInt(nodeCount), pick(rnd, types), "random proposal"));
    }
    Guard.Verdict v = Guard.apply(in, proposed);
    checkInvariants(in, v.allowed());
    assertThat(v.allowed().size() + v.refused().size()).isEqualTo(proposals);
  }

  private static void checkInvariants(DecisionInput in, List<PlannedAction> actions) {
    ClusterSnapshot snap = in.snapshot();
    boolean stale = Guard.staleness(in).isPresent();

    Set<String> seen = new HashSet<>();
    Map<String, Integer> activeByPool = new HashMap<>();
    for (ClusterNode n : snap.nodes()) {
      if (state(in, n.name()) == NodeLifecycle.ACTIVE) {
        activeByPool.merge(n.spec().pool(), 1, Integer::sum);
      }
    }
    for (PlannedAction a : actions) {
      assertThat(seen.add(a.node())).as("one action per node: %s", a).isTrue();
      assertThat(in.inFlight()).as("no action on a node in flight").doesNotContain(a.node());
      assertThat(a.reason()).isNotBlank();
      ClusterNode n = snap.node(a.node()).orElseThrow();
      NodeLifecycle s = state(in, a.node());
      if (s == NodeLifecycle.UNKNOWN || s == NodeLifecycle.FAILED) {
        assertThat(a.type()).as("%s node %s", s, a).isEqualTo(ActionType.PROBE);
      }
      if (a.type() == ActionType.DRAIN || a.type() == ActionType.POWER_OFF) {
        assertThat(snap.hasWork(a.node())).as("work on %s", a).isFalse();
        assertThat(n.spec().powerManageable()).as("manageable %s", a).isTrue();
        assertThat(stale).as("stale demand but %s", a).isFalse();
        if (a.type() == ActionType.DRAIN) {
          activeByPool.merge(n.spec().pool(), -1, Integer::sum);
        }
        assertThat(activeByPool.getOrDefault(n.spec().pool(), 0))
            .as("minActive of pool %s after %s", n.spec().pool(), a)
            .isGreaterThanOrEqualTo(in.policy().pool(n.spec().pool()).minActive());
      }
      if (a.type() == ActionType.WAKE) {
        assertThat(s).isEqualTo(NodeLifecycle.OFF);
      }
    }
  }

  private static NodeLifecycle state(DecisionInput in, String node) {
    NodeRecord r = in.records().get(node);
    return r == null ? NodeLifecycle.UNKNOWN : r.state();
  }

  private static <T> T pick(Random r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  private static DecisionInput randomInput(Random rnd, int nodeCount, int podCount, int pending) {
    List<ClusterNode> nodes = new ArrayList<>();
    Map<String, NodeRecord> records = new HashMap<>();
    Map<String, Instant> empty = new HashMap<>();
    Set<String> inFlight = new HashSet<>();
    NodeLifecycle[] states = NodeLifecycle.values();
    for (int i = 0; i < nodeCount; i++) {
      String name = "n" + i;
      NodeSpec.Builder b =
          Scenario.worker(name)
              .pool(pick(rnd, POOLS))
              .allocatable(
                  new Resources(
                      1000L * (1 + rnd.nextInt(32)),
                      GIB * (1 + rnd.nextInt(128)),
                      rnd.nextInt(3),
                      1 + rnd.nextInt(110)))
              .power(
                  new PowerProfile(
                      rnd.nextInt(10),
                      50 + rnd.nextInt(200),
                      300 + rnd.nextInt(300),
                      250,
                      Duration.ofSeconds(rnd.nextInt(600)),
                      Duration.ofSeconds(rnd.nextInt(120))))
              .protectedNode(rnd.nextInt(8) == 0)
              .controlPlane(rnd.nextInt(10) == 0);
      if (rnd.nextInt(8) == 0) {
        b.address(PowerAddress.UNMANAGED);
      }
      if (rnd.nextBoolean()) {
        b.label("zone", rnd.nextBoolean() ? "green" : "blue");
      }
      if (rnd.nextInt(5) == 0) {
        b.taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE));
      }
      nodes.add(new ClusterNode(b.build(), rnd.nextBoolean(), rnd.nextInt(4) == 0));
      if (rnd.nextInt(10) != 0) {
        List<Instant> ons = new ArrayList<>();
        int cycles = rnd.nextInt(8);
        for (int c = cycles; c > 0; c--) {
          ons.add(NOW.minus(Duration.ofMinutes(c * 100L + rnd.nextInt(60))));
        }
        records.put(
            name,
            new NodeRecord(
                pick(rnd, states),
                NOW.minusSeconds(rnd.nextInt(100_000)),
                ons,
                rnd.nextBoolean()
                    ? Optional.of(NOW.minusSeconds(rnd.nextInt(2_000_000)))
                    : Optional.empty(),
                rnd.nextInt(3),
                rnd.nextInt(2),
                Optional.empty()));
      }
      if (rnd.nextBoolean()) {
        empty.put(name, NOW.minusSeconds(rnd.nextInt(20_000)));
      }
      if (rnd.nextInt(10) == 0) {
        inFlight.add(name);
      }
    }
    WorkloadRef[] workloads = {
      WorkloadRef.deployment("default", "web"), WorkloadRef.deployment("default", "batch")
    };
    List<PodInfo> pods = new ArrayList<>();
    PodKind[] kinds = PodKind.values();
    PodPhase[] phases = PodPhase.values();
    for (int i = 0; i < podCount; i++) {
      pods.add(
          new PodInfo(
              "default",
              "p" + i,
              pick(rnd, kinds),
              pick(rnd, phases),
              Optional.of("n" + rnd.nextInt(nodeCount)),
              randomRequirements(rnd),
              rnd.nextBoolean() ? Optional.of(pick(rnd, workloads)) : Optional.empty(),
              0,
              Optional.empty()));
    }
    for (int i = 0; i < pending; i++) {
      pods.add(PodInfo.pending("default", "q" + i, randomRequirements(rnd)));
    }
    EnginePolicy.Builder pb =
        EnginePolicy.builder()
            .wakeRate(new RateLimit(1 + rnd.nextInt(5), Duration.ofMinutes(1)))
            .suspendRate(new RateLimit(1 + rnd.nextInt(5), Duration.ofMinutes(1)))
            .maxCyclesPerNodePerDay(1 + rnd.nextInt(8));
    for (String pool : POOLS) {
      PoolPolicy pp =
          new PoolPolicy(
              rnd.nextInt(3),
              rnd.nextInt(3),
              rnd.nextBoolean()
                  ? OptionalDouble.of(200 + rnd.nextInt(3000))
                  : OptionalDouble.empty(),
              rnd.nextBoolean()
                  ? Optional.of(Duration.ofSeconds(rnd.nextInt(3000)))
                  : Optional.empty());
      pb.pool(pool, pp);
    }
    if (rnd.nextBoolean()) {
      pb.clusterPowerCapWatts(500 + rnd.nextInt(10_000));
    }
    if (rnd.nextBoolean()) {
      pb.maxPoweredOffDuration(Duration.ofHours(1 + rnd.nextInt(200)));
    }
    List<WorkloadDemand> desired = new ArrayList<>();
    List<WorkloadDemand> expected = new ArrayList<>();
    for (WorkloadRef w : workloads) {
      if (rnd.nextBoolean()) {
        desired.add(new WorkloadDemand(w, rnd.nextInt(30), randomRequirements(rnd), 0, "random"));
      }
      if (rnd.nextBoolean()) {
        expected.add(new WorkloadDemand(w, rnd.nextInt(30), randomRequirements(rnd), 0, "random"));
      }
    }
    Instant observed = NOW.minusSeconds(rnd.nextInt(4) == 0 ? 60 : 1);
    Demand demand =
        new Demand(
            observed,
            desired,
            expected,
            rnd.nextInt(4) == 0 ? Optional.of("source down") : Optional.empty());
    List<Instant> wakes = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      wakes.add(NOW.minusSeconds(rnd.nextInt(120)));
    }
    return DecisionInput.builder(NOW, new ClusterSnapshot(NOW, nodes, pods), demand, pb.build())
        .records(records)
        .emptySince(empty)
        .inFlight(inFlight)
        .recentWakes(wakes)
        .recentSuspends(wakes)
        .build();
  }

  private static SchedulingRequirements randomRequirements(Random rnd) {
    Resources req =
        Resources.request(
            100L * (1 + rnd.nextInt(40)), GIB * rnd.nextInt(8), rnd.nextInt(8) == 0 ? 1 : 0);
    Map<String, String> selector = rnd.nextInt(4) == 0 ? Map.of("zone", "green") : Map.of();
    List<NodeSelectorRequirement> affinity =
        rnd.nextInt(5) == 0
            ? List.of(
                new NodeSelectorRequirement(
                    "zone", NodeSelectorRequirement.Operator.NOT_IN, Set.of("blue")))
            : List.of();
    List<Toleration> tolerations =
        rnd.nextInt(3) == 0 ? List.of(Toleration.exists("gpu")) : List.of();
    return new SchedulingRequirements(req, selector, affinity, tolerations);
  }
}
