package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adapter's part of a whole power cycle against the fake API server: a pending pod is seen, the
 * woken node turns Ready and is let back in, its pods go, it is cordoned and drained, marked
 * powered off; its state survives a controller restart.
 */
@Timeout(60)
class FullCycleIT {
  private FakeApiServer api;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));

  @BeforeEach
  void start() {
    api = new FakeApiServer();
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private KubernetesClusterView view() throws InterruptedException {
    NodeSpec configured =
        NodeSpec.builder("worker-1")
            .address(new PowerAddress(List.of(new DriverSpec("wol", Map.of()))))
            .build();
    KubernetesClusterView v =
        new KubernetesClusterView(
            api.client,
            Map.of("worker-1", configured),
            clock,
            Duration.ZERO,
            NodeHintPolicy.DEFAULT);
    v.start();
    assertThat(v.awaitSynced(Duration.ofSeconds(10))).as("informers synced").isTrue();
    return v;
  }

  @Test
  void pendingPodToWakeToPowerOffAndRestartResumes() throws Exception {
    // worker-1 is off: NotReady, cordoned, tainted and annotated by an earlier run.
    api.createNode("worker-0", true, Map.of(), Map.of());
    api.createNode(
        "worker-1",
        false,
        Map.of(EcoKubeKeys.POOL, "batch"),
        Map.of(EcoKubeKeys.MAC, "aa:bb:cc:dd:ee:ff"));
    NodeAnnotationStateStore store = new NodeAnnotationStateStore(api.client);
    try (KubernetesClusterView view = view()) {
      KubernetesActuator act =
          new KubernetesActuator(
              api.client,
              view,
              clock,
              Duration.ofMillis(20),
              Duration.ofMillis(100),
              d -> {
                // Eviction backoff runs on virtual time, while the informer catches up for real.
                Thread.sleep(d.toMillis());
                clock.advance(d);
              });
      act.cordon("worker-1");
      act.markPoweredOff("worker-1", true);
      store.save("worker-1", NodeRecord.initial(NodeLifecycle.OFF, clock.now()));

      // A pod no node can take shows up as demand.
      api.createPendingPod("default", "job-1", "3");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                // Node and pod caches update independently: wait for both changes.
                ClusterSnapshot now = view.snapshot();
                return now.unscheduledPods().size() == 1
                    && now.node("worker-1").map(n -> n.cordoned()).orElse(false);
              });
      ClusterSnapshot s = view.snapshot();
      PodInfo pending = s.unscheduledPods().get(0);
      assertThat(pending.scheduling().requests().cpuMillis()).isEqualTo(3000);
      var w1 = s.node("worker-1").orElseThrow();
      assertThat(w1.ready()).isFalse();
      assertThat(w1.cordoned()).isTrue();
      assertThat(w1.spec().pool()).isEqualTo("batch");
      assertThat(w1.spec().address().chain().get(0).settings())
          .containsEntry("mac", "aa:bb:cc:dd:ee:ff");
      // The powered-off taint must not keep the engine from waking the node for this pod.
      assertThat(pending.scheduling().admits(w1.spec())).isTrue();

      // The engine woke it (driver not part of this module); the kubelet reports Ready.
      store.save("worker-1", NodeRecord.initial(NodeLifecycle.BOOTING, clock.now()));
      V1Node n = api.core.readNode("worker-1").execute();
      n.getStatus().getConditions().get(0).status("True");
      api.core.replaceNode("worker-1", n).execute();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> view.snapshot().node("worker-1").get().ready());
      act.markPoweredOff("worker-1", false);
      act.uncordon("worker-1");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !view.snapshot().node("worker-1").get().cordoned());
      V1Node up = api.core.readNode("worker-1").execute();
      assertThat(taintKeys(up)).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
      assertThat(up.getMetadata().getAnnotations()).doesNotContainKey(EcoKubeKeys.POWERED_OFF_AT);

      // The pod ran there and finished; then another workload pod lands and must be drained.
      api.core.deleteNamespacedPod("job-1", "default").execute();
      api.createRunningPod("default", "web-a", "worker-1");
      await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().hasWork("worker-1"));
      api.server
          .expect()
          .post()
          .withPath("/api/v1/namespaces/default/pods/web-a/eviction")
          .andReturn(201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}")
          .always();
      api.startKubelet(k -> true);
      store.save("worker-1", NodeRecord.initial(NodeLifecycle.DRAINING, clock.now()));
      act.cordon("worker-1");
      DrainResult r = act.drain("worker-1", Duration.ofSeconds(10));
      assertThat(r.complete()).as(r.detail()).isTrue();
      assertThat(view.snapshot().hasWork("worker-1")).isFalse();

      act.markPoweredOff("worker-1", true);
      store.save(
          "worker-1",
          new NodeRecord(
              NodeLifecycle.OFF,
              clock.now(),
              List.of(clock.now().minusSeconds(600)),
              Optional.of(clock.now()),
              0,
              1,
              Optional.empty()));
      V1Node down = api.core.readNode("worker-1").execute();
      assertThat(taintKeys(down)).containsOnlyOnce(EcoKubeKeys.POWERED_OFF_TAINT);
      assertThat(down.getSpec().getUnschedulable()).isTrue();
      assertThat(down.getMetadata().getAnnotations()).containsKey(EcoKubeKeys.POWERED_OFF_AT);
    }

    // A new controller (new store, new caches) resumes from the annotation.
    NodeAnnotationStateStore restarted = new NodeAnnotationStateStore(api.client);
    NodeRecord resumed = restarted.load("worker-1").orElseThrow();
    assertThat(resumed.state()).isEqualTo(NodeLifecycle.OFF);
    assertThat(resumed.lastPoweredOff()).contains(clock.now());
    assertThat(resumed.powerOns()).containsExactly(clock.now().minusSeconds(600));
    assertThat(resumed.driverIndex()).isEqualTo(1);
    assertThat(restarted.load("worker-0")).isEmpty();
    assertThat(restarted.load("no-such-node")).isEmpty();
    try (KubernetesClusterView again = view()) {
      assertThat(again.snapshot().node("worker-1").get().cordoned()).isTrue();
    }
  }

  private static List<String> taintKeys(V1Node n) {
    return n.getSpec() == null || n.getSpec().getTaints() == null
        ? List.of()
        : n.getSpec().getTaints().stream().map(V1Taint::getKey).toList();
  }
}
