package io.ecokube.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryClusterTest {
  private final ManualClock clock = new ManualClock();
  private final InMemoryCluster cluster = new InMemoryCluster(clock);
  private final List<String> events = new ArrayList<>();

  private static final PowerProfile PROFILE =
      new PowerProfile(5, 100, 200, 150, Duration.ofSeconds(60), Duration.ofSeconds(20));

  InMemoryClusterTest() {
    cluster.addListener(
        new PodListener() {
          @Override
          public void podStarted(PodInfo pod, Instant at) {
            events.add("start " + pod.key() + " on " + pod.node().orElseThrow());
          }

          @Override
          public void podStopped(PodInfo pod, Instant at, String reason) {
            events.add("stop " + pod.key() + ": " + reason);
          }
        });
  }

  private static NodeSpec node(String name, long cpuMillis) {
    return NodeSpec.builder(name)
        .allocatable(new Resources(cpuMillis, 8L << 30, 0, 10))
        .power(PROFILE)
        .build();
  }

  private static SchedulingRequirements cpu(long millis) {
    return SchedulingRequirements.of(Resources.request(millis, 1L << 30, 0));
  }

  @Test
  void nodeBecomesReadyBootTimeAfterTheWakeOnVirtualTime() throws Exception {
    SimulatedMachine m = cluster.addNode(node("n1", 2000), false);
    assertThat(cluster.snapshot().node("n1").orElseThrow().ready()).isFalse();
    m.powerOn();
    clock.advance(Duration.ofSeconds(59));
    assertThat(cluster.snapshot().node("n1").orElseThrow().ready()).isFalse();
    assertThat(cluster.nextMachineTransition()).contains(clock.now().plusSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(cluster.snapshot().node("n1").orElseThrow().ready()).isTrue();
    assertThat(cluster.nextMachineTransition()).isEmpty();
  }

  @Test
  void schedulerBindsPendingPodsWhereResourcesSelectorsAndTaintsAllow() {
    cluster.addNode(node("small", 1000), true);
    cluster.addNode(
        node("gpu", 8000).toBuilder()
            .label("gpu", "true")
            .taint(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE))
            .build(),
        true);
    cluster.addPod(PodInfo.pending("ns", "a", cpu(800)));
    cluster.addPod(PodInfo.pending("ns", "b", cpu(800)));
    SchedulingRequirements wantsGpu =
        new SchedulingRequirements(
            Resources.request(500, 1L << 30, 0),
            Map.of("gpu", "true"),
            List.of(),
            List.of(Toleration.equal("gpu", "true")));
    cluster.addPod(PodInfo.pending("ns", "c", wantsGpu));

    ClusterSnapshot s = cluster.snapshot();
    assertThat(s.podsOn("small")).extracting(PodInfo::name).containsExactly("a");
    assertThat(s.podsOn("gpu")).extracting(PodInfo::name).containsExactly("c");
    // b fits nowhere: too big for what is left on small, and it does not tolerate the gpu taint.
    assertThat(s.unscheduledPods()).extracting(PodInfo::name).containsExactly("b");
    assertThat(cluster.pod("ns/a").orElseThrow().phase()).isEqualTo(PodPhase.RUNNING);
    assertThat(events).containsExactly("start ns/a on small", "start ns/c on gpu");
  }

  @Test
  void aSchedulerChoosesWhichPodsStartAndWhereButCannotOverfillANode() {
    cluster.addNode(node("n1", 1000), true);
    cluster.addNode(node("n2", 1000), true);
    // Holds "wait" back and puts "go" on the second node, where first fit would not.
    cluster.scheduler(
        (waiting, nodes, used, now) -> {
          assertThat(nodes).extracting(NodeSpec::name).containsExactly("n1", "n2");
          return waiting.stream()
              .filter(p -> p.name().equals("go"))
              .findFirst()
              .map(p -> Map.of(p.key(), "n2"))
              .orElse(Map.of());
        });
    cluster.addPod(PodInfo.pending("ns", "wait", cpu(600)));
    cluster.addPod(PodInfo.pending("ns", "go", cpu(500)));
    assertThat(events).containsExactly("start ns/go on n2");
    assertThat(cluster.pod("ns/wait").orElseThrow().unscheduled()).isTrue();

    cluster.scheduler((waiting, nodes, used, now) -> Map.of("ns/wait", "n2"));
    assertThatThrownBy(cluster::refresh)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ns/wait")
        .hasMessageContaining("'n2'");
  }

  @Test
  void cordonedAndPoweredOffMarkedNodesGetNoPods() throws Exception {
    cluster.addNode(node("n1", 4000), true);
    cluster.cordon("n1");
    cluster.addPod(PodInfo.pending("ns", "a", cpu(100)));
    assertThat(cluster.snapshot().unscheduledPods()).hasSize(1);
    cluster.markPoweredOff("n1", true);
    cluster.uncordon("n1");
    assertThat(cluster.snapshot().unscheduledPods()).hasSize(1);
    cluster.markPoweredOff("n1", false);
    assertThat(cluster.markedPoweredOff("n1")).isFalse();
    assertThat(cluster.snapshot().podsOn("n1")).hasSize(1);
  }

  @Test
  void drainEvictsWorkloadPodsKeepsDaemonSetsAndHonoursBlockers() throws Exception {
    cluster.addNode(node("n1", 4000), true);
    cluster.addNode(node("n2", 4000), true);
    WorkloadRef web = WorkloadRef.deployment("ns", "web");
    cluster.registerWorkload(web, cpu(100));
    cluster.scale(web, 2);
    cluster.addPod(
        new PodInfo(
            "ns",
            "agent",
            PodKind.DAEMONSET,
            PodPhase.RUNNING,
            Optional.of("n1"),
            cpu(10),
            Optional.empty(),
            0,
            Optional.empty()));
    assertThat(cluster.snapshot().podsOn("n1")).hasSize(3);

    cluster.cordon("n1");
    DrainResult r = cluster.drain("n1", Duration.ofMinutes(1));
    assertThat(r).isEqualTo(DrainResult.completed());
    ClusterSnapshot s = cluster.snapshot();
    assertThat(s.podsOn("n1")).extracting(PodInfo::name).containsExactly("agent");
    // The workload's pods were recreated and scheduled on the other node.
    assertThat(s.podsOn("n2")).hasSize(2);
    assertThat(cluster.podsOf(web)).hasSize(2);

    cluster.uncordon("n1");
    cluster.addPod(
        new PodInfo(
            "ns",
            "db",
            PodKind.WORKLOAD,
            PodPhase.RUNNING,
            Optional.of("n1"),
            cpu(100),
            Optional.empty(),
            0,
            Optional.of("local storage")));
    cluster.cordon("n1");
    DrainResult blocked = cluster.drain("n1", Duration.ofMinutes(1));
    assertThat(blocked.complete()).isFalse();
    assertThat(blocked.remaining()).containsExactly("ns/db");
    assertThat(blocked.detail()).isEqualTo("eviction refused: ns/db: local storage");
  }

  @Test
  void podsOfANodeThatGoesDownAreRescheduledOrDropped() throws Exception {
    SimulatedMachine m = cluster.addNode(node("n1", 4000), true);
    cluster.addNode(node("n2", 4000), false);
    WorkloadRef web = WorkloadRef.deployment("ns", "web");
    cluster.registerWorkload(web, cpu(100));
    cluster.scale(web, 1);
    cluster.addPod(PodInfo.pending("ns", "bare", cpu(100)));
    assertThat(cluster.snapshot().podsOn("n1")).hasSize(2);

    m.powerOff(io.ecokube.api.power.PowerOffMode.GRACEFUL);
    ClusterSnapshot s = cluster.snapshot();
    assertThat(s.node("n1").orElseThrow().ready()).isFalse();
    assertThat(s.podsOn("n1")).isEmpty();
    assertThat(s.unscheduledPods()).extracting(PodInfo::name).containsExactly("web-1");
    assertThat(events)
        .contains("stop ns/web-0: node n1 went down", "stop ns/bare: node n1 went down");
  }

  @Test
  void scalingDownRemovesUnscheduledPodsFirst() throws Exception {
    cluster.addNode(node("n1", 250), true);
    WorkloadRef web = WorkloadRef.deployment("ns", "web");
    cluster.registerWorkload(web, cpu(100));
    cluster.scale(web, 4);
    assertThat(cluster.snapshot().unscheduledPods()).hasSize(2);
    cluster.scale(web, 2);
    assertThat(cluster.podsOf(web)).extracting(PodInfo::name).containsExactly("web-0", "web-1");
    assertThat(cluster.replicas(web)).hasValue(2);
    assertThatThrownBy(() -> cluster.scale(WorkloadRef.deployment("ns", "nope"), 1))
        .isInstanceOf(ActuatorException.class)
        .hasMessage(
            "Deployment ns/nope is not registered in the in-memory cluster; registerWorkload first");
  }

  @Test
  void aNodeWithItsOwnPowerSourceIsReadyWhileItReportsOn() {
    java.util.concurrent.atomic.AtomicReference<io.ecokube.api.power.PowerState> power =
        new java.util.concurrent.atomic.AtomicReference<>(io.ecokube.api.power.PowerState.OFF);
    cluster.addNode(node("vm", 2000), power::get);
    cluster.addPod(PodInfo.pending("ns", "a", cpu(100)));
    assertThat(cluster.snapshot().node("vm").orElseThrow().ready()).isFalse();
    assertThat(cluster.machine("vm")).isEmpty();
    power.set(io.ecokube.api.power.PowerState.ON);
    assertThat(cluster.snapshot().podsOn("vm")).extracting(PodInfo::name).containsExactly("a");
  }

  @Test
  void actuatorRejectsUnknownNodes() {
    cluster.addNode(node("n1", 250), true);
    assertThatThrownBy(() -> cluster.cordon("n9"))
        .isInstanceOf(ActuatorException.class)
        .hasMessage("node 'n9' is not in the in-memory cluster; known: [n1]");
  }
}
