package io.ecokube.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.SimulatedMachine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * What the decision may count on: NotReady ACTIVE nodes are no capacity, two nodes with one MAC are
 * never powered off, and an unhealthy cluster is not scaled down.
 */
class ClusterHealthTest {
  private static final Duration STEP = Duration.ofSeconds(10);
  private static final EnginePolicy POLICY =
      EnginePolicy.builder().minUptime(Duration.ZERO).build();

  /** The in-memory cluster with some nodes' kubelets gone: NotReady while the machine runs. */
  private static ClusterView partitioned(EngineHarness h, Set<String> notReady) {
    return () -> {
      ClusterSnapshot s = h.cluster.snapshot();
      List<ClusterNode> nodes =
          s.nodes().stream()
              .map(
                  n ->
                      notReady.contains(n.name())
                          ? new ClusterNode(n.spec(), false, n.cordoned())
                          : n)
              .toList();
      return new ClusterSnapshot(s.takenAt(), nodes, s.pods());
    };
  }

  private static SimulatedMachine spare(
      EngineHarness h, String name, Map<String, String> settings) {
    return h.cluster.addNode(
        NodeSpec.builder(name)
            .pool("spare")
            .allocatable(new Resources(8000, 32 * EngineHarness.GIB, 0, 110))
            .power(EngineHarness.PROFILE)
            .address(new PowerAddress(List.of(new DriverSpec("sim", settings))))
            .build(),
        true);
  }

  private static boolean woke(EngineHarness h, String node) {
    return h.plans.stream()
        .flatMap(p -> p.actions().stream())
        .anyMatch(a -> a.type() == ActionType.WAKE && a.node().equals(node));
  }

  private static void bigPod(EngineHarness h) {
    // Fits worker-3 or worker-2 (16 CPUs), not worker-1 (8) or the control plane (4).
    h.cluster.addPod(
        PodInfo.pending(
            "batch",
            "big",
            new SchedulingRequirements(
                Resources.request(12000, EngineHarness.GIB, 0),
                Map.of(),
                List.of(),
                List.of(Toleration.exists("gpu")))));
  }

  /** worker-3: a machine outside the simulation whose kubelet can go away. */
  private static AtomicReference<PowerState> worker3(EngineHarness h) {
    AtomicReference<PowerState> kubelet = new AtomicReference<>(PowerState.ON);
    h.cluster.addNode(
        NodeSpec.builder("worker-3")
            .pool("spare")
            .allocatable(new Resources(16000, 64 * EngineHarness.GIB, 0, 110))
            .power(EngineHarness.PROFILE)
            .address(new PowerAddress(List.of(new DriverSpec("sim", Map.of()))))
            .build(),
        kubelet::get);
    return kubelet;
  }

  @Test
  void aReadyActiveNodeTakesThePodSoNothingIsWoken() throws Exception {
    EngineHarness h = new EngineHarness();
    worker3(h);
    try (EcoKubeEngine e = h.engine(POLICY).build()) {
      h.run(e, 2, STEP);
      bigPod(h);
      h.run(e, 6, STEP);
      assertThat(woke(h, "worker-2")).isFalse();
      assertThat(h.cluster.pod("batch/big").orElseThrow().node()).contains("worker-3");
    }
  }

  @Test
  void aNotReadyActiveNodeIsNoCapacitySoASpareIsWoken() throws Exception {
    EngineHarness h = new EngineHarness();
    AtomicReference<PowerState> kubelet = worker3(h);
    try (EcoKubeEngine e = h.engine(POLICY).build()) {
      h.run(e, 2, STEP);
      assertThat(e.record("worker-3").orElseThrow().state()).isEqualTo(NodeLifecycle.ACTIVE);
      kubelet.set(PowerState.UNKNOWN);
      bigPod(h);
      h.run(e, 6, STEP);
      assertThat(e.record("worker-3").orElseThrow().state()).isEqualTo(NodeLifecycle.ACTIVE);
      assertThat(woke(h, "worker-2")).as("a spare is woken for the pod").isTrue();
    }
  }

  @Test
  void twoNodesWithOneMacAreNeitherPoweredOff() throws Exception {
    EngineHarness h = new EngineHarness();
    SimulatedMachine a = spare(h, "spare-a", Map.of("mac", "aa:bb:cc:dd:ee:01"));
    SimulatedMachine b = spare(h, "spare-b", Map.of("mac", "AA:BB:CC:DD:EE:01"));
    SimulatedMachine c = spare(h, "spare-c", Map.of("mac", "aa:bb:cc:dd:ee:02"));
    h.clock.advance(Duration.ofMinutes(3));
    try (EcoKubeEngine e = h.engine(POLICY).build()) {
      h.run(e, 120, STEP);
      assertThat(c.state())
          .as("the node with its own MAC is powered off")
          .isEqualTo(PowerState.OFF);
      assertThat(a.state()).isEqualTo(PowerState.ON);
      assertThat(b.state()).isEqualTo(PowerState.ON);
      assertThat(h.plans)
          .flatMap(Plan::actions)
          .noneMatch(x -> x.node().startsWith("spare-a") || x.node().startsWith("spare-b"));
    }
  }

  @Test
  void noScaleDownWhileTooManyNodesAreUnready() throws Exception {
    for (boolean tolerant : List.of(true, false)) {
      EngineHarness h = new EngineHarness();
      h.worker2.powerOn();
      Set<String> notReady = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 4; i++) {
        spare(h, "sick-" + i, Map.of("mac", "aa:bb:cc:dd:ee:1" + i));
        notReady.add("sick-" + i);
      }
      h.clock.advance(Duration.ofMinutes(3));
      EcoKubeEngine.Builder b = h.engine(POLICY).clusterView(partitioned(h, notReady));
      // 4 of 7 nodes unready: above 3 and above 45 %; the tolerant breaker allows 10.
      b.clusterHealth(tolerant ? 1.0 : 0.45, tolerant ? 10 : 3);
      try (EcoKubeEngine e = b.build()) {
        h.run(e, 120, STEP);
        assertThat(h.worker2.state())
            .as(tolerant ? "healthy enough: the idle node goes off" : "breaker open")
            .isEqualTo(tolerant ? PowerState.OFF : PowerState.ON);
      }
    }
  }

  @Test
  void unmanagedNodesThatAreNotReadyFromTheStartCountAsUnready() throws Exception {
    for (boolean sick : List.of(false, true)) {
      EngineHarness h = new EngineHarness();
      h.worker2.powerOn();
      Set<String> notReady = ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 4; i++) {
        // No drivers: Eco-Kube never powers these; NotReady means their kubelet is gone.
        h.cluster.addNode(
            NodeSpec.builder("plain-" + i)
                .allocatable(new Resources(8000, 32 * EngineHarness.GIB, 0, 110))
                .build(),
            true);
        if (sick) {
          notReady.add("plain-" + i);
        }
      }
      h.clock.advance(Duration.ofMinutes(3));
      try (EcoKubeEngine e = h.engine(POLICY).clusterView(partitioned(h, notReady)).build()) {
        h.run(e, 120, STEP);
        assertThat(h.worker2.state())
            .as(sick ? "4 of 7 unready: breaker open" : "all Ready: the idle node goes off")
            .isEqualTo(sick ? PowerState.ON : PowerState.OFF);
      }
    }
  }
}
