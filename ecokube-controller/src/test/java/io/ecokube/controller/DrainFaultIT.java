package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.controller.testing.RecordingBmcProvider;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.NodeRecordJson;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Taint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14's drain faults, with the shipped controller on the fake API server and the test driver
 * {@code test-bmc} (a BMC that records its calls):
 *
 * <ul>
 *   <li>Restart in the middle of a drain: a pod is bound to the idle node as it is cordoned, its
 *       eviction is accepted but the "kubelet" has not ended it yet, and the controller is closed
 *       while the drain waits: the node is left cordoned only with its DRAINING state on it. A new
 *       controller on the same cluster keeps it in that cycle (not powered off while the pod runs)
 *       and, once the kubelet ends the pod, powers it off through its driver, once.
 *   <li>An eviction refused (429 or 500) on every call until the drain timeout: the node is given
 *       back (uncordoned, its state ACTIVE, never powered off) and a Warning Event says why.
 * </ul>
 */
@Timeout(120)
class DrainFaultIT {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String NODE_PATH = "/api/v1/nodes/worker-1";
  private static final String EVICTION = "/api/v1/namespaces/shop/pods/web-0/eviction";

  @TempDir Path dir;
  private final FakeCluster cluster = new FakeCluster();
  private final AtomicInteger evictions = new AtomicInteger();

  private KubernetesController controller;

  @BeforeEach
  void machines() throws Exception {
    RecordingBmcProvider.reset();
    cluster.readyNode("worker-1", "4");
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  private Path config(String drainTimeout) throws Exception {
    return Files.writeString(
        dir.resolve("ecokube.yaml"),
        """
        pools:
          default: {minActive: 0, idleGrace: 1s}
        engine:
          minUptime: 0s
          drainTimeout: DRAIN
          attemptsPerDriver: 1
          retryBackoff: 100ms
        nodes:
          - name: worker-1
            allocatable: {cpu: "4", memory: 8Gi}
            power:
              shutdownTime: 1s
              drivers:
                - driver: test-bmc
        """
            .replace("DRAIN", drainTimeout));
  }

  @Test
  void aNewControllerFinishesTheCycleTheOldOneLeftMidDrain() throws Exception {
    bindPodAtCordonAndAnswerEvictions(201);
    Path config = config("10m");
    controller = Scraped.start(cluster, dir, config, "ecokube-0");
    await().atMost(WAIT).until(() -> evictions.get() > 0);
    assertThat(cordoned()).isTrue();
    assertThat(state()).map(NodeRecord::state).contains(NodeLifecycle.DRAINING);

    // Closed in the middle of the drain: the node is either given back (uncordoned, ACTIVE) or
    // left cordoned with its DRAINING state on the Node for the next replica; never cordoned
    // without a cycle.
    controller.close();
    controller = null;
    assertThat(RecordingBmcProvider.calls()).isEmpty();
    boolean leftCordoned = cordoned();
    NodeLifecycle leftIn = state().map(NodeRecord::state).orElse(null);
    assertThat(leftIn)
        .as("left cordoned=%s in %s", leftCordoned, leftIn)
        .isEqualTo(leftCordoned ? NodeLifecycle.DRAINING : NodeLifecycle.ACTIVE);

    controller = Scraped.start(cluster, dir, config, "ecokube-0");
    // The new replica's cache holds the pod; while it runs, the node is not powered off.
    await().atMost(WAIT).until(() -> controller.clusterView().snapshot().hasWork("worker-1"));
    assertThat(RecordingBmcProvider.calls()).isEmpty();
    // The kubelet at last ends the pod whose eviction the old replica had asked for.
    cluster.deletePod("shop", "web-0");

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> state().map(NodeRecord::state).orElse(null) == NodeLifecycle.SHUTTING_DOWN);
    await().atMost(WAIT).until(() -> !RecordingBmcProvider.calls().isEmpty());
    assertThat(RecordingBmcProvider.calls()).containsExactly("worker-1 off GRACEFUL");
    // The machine stopped: its kubelet no longer reports the node Ready.
    V1Node off = node();
    off.getStatus().getConditions().forEach(c -> c.status("False"));
    cluster.core().replaceNodeStatus("worker-1", off).execute();
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> state().map(NodeRecord::state).orElse(null) == NodeLifecycle.OFF);
    assertThat(RecordingBmcProvider.calls()).containsExactly("worker-1 off GRACEFUL");
    // Cordoned and marked only because its cycle ended with the machine off.
    assertThat(cordoned()).isTrue();
    assertThat(taints()).contains(EcoKubeKeys.POWERED_OFF_TAINT);
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {429, 500})
  void anEvictionRefusedUntilTheDrainTimeoutGivesTheNodeBack(int code) throws Exception {
    bindPodAtCordonAndAnswerEvictions(code);
    controller = Scraped.start(cluster, dir, config("2s"), "ecokube-0");

    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                warnings().stream()
                    .anyMatch(
                        m ->
                            m.contains("eviction refused until the drain timeout")
                                && m.contains("HTTP " + code)));
    // More than one try: the eviction was retried within the drain, not given up at once.
    assertThat(evictions.get()).isGreaterThan(1);
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                !cordoned() && state().map(NodeRecord::state).orElse(null) == NodeLifecycle.ACTIVE);
    assertThat(taints()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
    assertThat(RecordingBmcProvider.calls()).isEmpty();
  }

  /**
   * A pod is bound just as the idle node is cordoned (the window between the engine's decision and
   * the drain): the cordon's answer waits (a server timer, not blocking) so that the controller's
   * cache holds the pod before the drain lists the node's pods. Its evictions are answered with
   * {@code code}; an accepted one (201) is not ended by the kubelet until the test deletes the pod.
   */
  private void bindPodAtCordonAndAnswerEvictions(int code) {
    AtomicBoolean bound = new AtomicBoolean();
    cluster.intercept(
        (r, served) -> {
          if (isCordon(r) && !bound.getAndSet(true)) {
            CompletableFuture.runAsync(this::bindPod);
            return served.apply(r).setBodyDelay(Duration.ofSeconds(3));
          }
          if ("POST".equals(r.getMethod()) && EVICTION.equals(r.getPath())) {
            evictions.incrementAndGet();
            return status(code);
          }
          return null;
        });
  }

  private static boolean isCordon(RecordedRequest r) {
    return "PATCH".equals(r.getMethod())
        && NODE_PATH.equals(r.getPath())
        && r.getBody() != null
        && new String(r.getBody().getBytes(), StandardCharsets.UTF_8)
            .contains("\"unschedulable\":true");
  }

  private static MockResponse status(int code) {
    return new MockResponse()
        .setResponseCode(code)
        .addHeader("Content-Type", "application/json")
        .setBody(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\""
                + (code < 300 ? "Success" : "Failure")
                + "\",\"code\":"
                + code
                + "}");
  }

  /** A ReplicaSet's running pod bound to worker-1: work, and evictable. */
  private void bindPod() {
    try {
      cluster
          .core()
          .createNamespacedPod(
              "shop",
              new V1Pod()
                  .apiVersion("v1")
                  .kind("Pod")
                  .metadata(
                      new V1ObjectMeta()
                          .name("web-0")
                          .namespace("shop")
                          .ownerReferences(
                              List.of(
                                  new V1OwnerReference()
                                      .apiVersion("apps/v1")
                                      .kind("ReplicaSet")
                                      .name("web")
                                      .uid("web-uid")
                                      .controller(true))))
                  .spec(
                      new V1PodSpec()
                          .nodeName("worker-1")
                          .containers(
                              List.of(
                                  new V1Container()
                                      .name("c")
                                      .resources(
                                          new V1ResourceRequirements()
                                              .requests(Map.of("cpu", new Quantity("1")))))))
                  .status(new V1PodStatus().phase("Running")))
          .execute();
    } catch (Exception e) {
      throw new IllegalStateException("could not bind the pod", e);
    }
  }

  private V1Node node() throws Exception {
    return cluster.core().readNode("worker-1").execute();
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

  private Optional<NodeRecord> state() throws Exception {
    Map<String, String> a = node().getMetadata().getAnnotations();
    return a == null || !a.containsKey(EcoKubeKeys.POWER_STATE)
        ? Optional.empty()
        : Optional.of(NodeRecordJson.decode(a.get(EcoKubeKeys.POWER_STATE)));
  }

  private List<String> warnings() throws Exception {
    return cluster.core().listEventForAllNamespaces().execute().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .filter(
            e ->
                e.getInvolvedObject() != null && "worker-1".equals(e.getInvolvedObject().getName()))
        .map(CoreV1Event::getMessage)
        .toList();
  }
}
