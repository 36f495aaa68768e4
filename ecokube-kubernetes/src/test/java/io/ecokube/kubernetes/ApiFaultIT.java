package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Taint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The API server answers 409, 429 or 500 once to each call the actuator and the state store make:
 * each call fails with an error naming what it did and the HTTP status (the engine retries it on a
 * later step), leaves the Node as it was (no half-set mark), and the same call succeeds once the
 * server answers again. A refused eviction is retried within the drain (until its timeout, after
 * which the engine uncordons the node).
 */
@Timeout(60)
class ApiFaultIT {
  private static final String NODE_PATH = "/api/v1/nodes/worker-1";
  private FakeApiServer api;
  private KubernetesClusterView staleView;
  private KubernetesActuator actuator;
  private NodeAnnotationStateStore store;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    api = new FakeApiServer();
    staleView =
        new KubernetesClusterView(
            api.client, Map.of(), clock, Duration.ZERO, NodeHintPolicy.DEFAULT);
    actuator =
        new KubernetesActuator(
            api.client, staleView, clock, Duration.ofMillis(10), Duration.ofMillis(10));
    store = new NodeAnnotationStateStore(api.client);
    api.createNode("worker-1", true, Map.of(), Map.of());
  }

  @AfterEach
  void stop() {
    staleView.close();
    api.close();
  }

  private void failNextPatch(int code) {
    api.server.expect().patch().withPath(NODE_PATH).andReturn(code, status(code)).once();
  }

  private static String status(int code) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
        + code
        + ",\"message\":\"injected\"}";
  }

  private V1Node node() throws Exception {
    return api.core.readNode("worker-1").execute();
  }

  private boolean cordoned() throws Exception {
    V1Node n = node();
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }

  private List<String> taints() throws Exception {
    V1Node n = node();
    return n.getSpec() == null || n.getSpec().getTaints() == null
        ? List.of()
        : n.getSpec().getTaints().stream().map(V1Taint::getKey).toList();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {409, 429, 500})
  void cordonAndUncordon(int code) throws Exception {
    failNextPatch(code);
    assertThatThrownBy(() -> actuator.cordon("worker-1"))
        .hasMessageContaining("cordon node worker-1 failed")
        .hasMessageContaining("HTTP " + code);
    assertThat(cordoned()).isFalse();
    actuator.cordon("worker-1");
    assertThat(cordoned()).isTrue();

    failNextPatch(code);
    assertThatThrownBy(() -> actuator.uncordon("worker-1"))
        .hasMessageContaining("uncordon node worker-1 failed")
        .hasMessageContaining("HTTP " + code);
    assertThat(cordoned()).as("still cordoned: the engine plans the uncordon again").isTrue();
    actuator.uncordon("worker-1");
    assertThat(cordoned()).isFalse();
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {409, 429, 500})
  void poweredOffMarkSetAndClear(int code) throws Exception {
    failNextPatch(code);
    assertThatThrownBy(() -> actuator.markPoweredOff("worker-1", true))
        .hasMessageContaining("mark node worker-1 failed")
        .hasMessageContaining("HTTP " + code);
    assertThat(taints()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
    assertThat(node().getMetadata().getAnnotations()).doesNotContainKey(EcoKubeKeys.POWERED_OFF_AT);

    actuator.markPoweredOff("worker-1", true);
    assertThat(taints()).contains(EcoKubeKeys.POWERED_OFF_TAINT);

    failNextPatch(code);
    assertThatThrownBy(() -> actuator.markPoweredOff("worker-1", false))
        .hasMessageContaining("clear the powered-off mark of node worker-1 failed")
        .hasMessageContaining("HTTP " + code);
    actuator.markPoweredOff("worker-1", false);
    assertThat(taints()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {409, 429, 500})
  void lastLookThatCannotListPodsTakesTheMarkOffAgain(int code) throws Exception {
    api.server.expect().get().withPath("/api/v1/pods").andReturn(code, status(code)).once();
    assertThatThrownBy(() -> actuator.markPoweredOff("worker-1", true))
        .hasMessageContaining("last look at node worker-1")
        .hasMessageContaining("HTTP " + code);
    // No power-off follows a failed mark, so no taint may stay behind to keep pods off for ever.
    assertThat(taints()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {409, 429, 500})
  void stateAnnotationWrite(int code) throws Exception {
    NodeRecord off = NodeRecord.initial(NodeLifecycle.OFF, clock.now());
    failNextPatch(code);
    assertThatThrownBy(() -> store.save("worker-1", off))
        .hasMessageContaining("saving the power state of node worker-1 failed")
        .hasMessageContaining("HTTP " + code);
    assertThat(store.load("worker-1")).isEmpty();
    store.save("worker-1", off);
    assertThat(store.load("worker-1")).contains(off);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {409, 429, 500})
  void evictionIsRetriedUntilTheDrainTimeout(int code) throws Exception {
    api.createRunningPod("shop", "web-a", "worker-1");
    String eviction = "/api/v1/namespaces/shop/pods/web-a/eviction";
    api.server.expect().post().withPath(eviction).andReturn(code, status(code)).once();
    api.server
        .expect()
        .post()
        .withPath(eviction)
        .andReturn(201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}")
        .always();
    // The kubelet deletes the pod only after the eviction that was accepted (the second).
    AtomicInteger asked = new AtomicInteger();
    api.startKubelet(k -> asked.incrementAndGet() > 1);
    try (KubernetesClusterView view =
        new KubernetesClusterView(
            api.client, Map.of(), clock, Duration.ZERO, NodeHintPolicy.DEFAULT)) {
      view.start();
      assertThat(view.awaitSynced(Duration.ofSeconds(10))).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().hasWork("worker-1"));
      KubernetesActuator draining =
          new KubernetesActuator(
              api.client, view, clock, Duration.ofMillis(10), Duration.ofMillis(10));
      DrainResult r = draining.drain("worker-1", Duration.ofMinutes(1));
      assertThat(r.complete()).as(r.detail()).isTrue();
      assertThat(asked.get()).isGreaterThanOrEqualTo(2);
    }
  }
}
