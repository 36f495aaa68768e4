package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.NodeRecordJson;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.util.ClientBuilder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller, run against the fake API server, honours the config's {@code safety}
 * section; each value differs from the default, and the default would do otherwise.
 *
 * <ul>
 *   <li>{@code nodeHints}: with {@code mac: false} the Node's MAC annotation is not used; with a
 *       BMC network the Node's BMC address inside it is (both refused by default).
 *   <li>{@code maintenanceAfter: 1}: the first failed power-off (the BMC does not answer) holds the
 *       node in maintenance (default 3), shown on the Node by annotations; clearing removes them.
 *   <li>{@code clusterHealth: {maxUnreadyPercent: 0, okUnreadyCount: 0}}: one unready node of four
 *       keeps the idle worker-2 from being drained (the default tolerates 3, and drains it at
 *       once).
 * </ul>
 */
@Timeout(90)
class SafetyConfigControllerIT {
  private static final String CONFIG_MAC = "aa:bb:cc:dd:ee:01";
  private static final String NODE_MAC = "aa:bb:cc:dd:ee:99";

  @TempDir Path dir;
  private KubernetesMockServer server;
  private CoreV1Api core;
  private KubernetesController controller;

  @BeforeEach
  void start() throws Exception {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    // The mixed dispatcher serves watches over plain HTTP, as the informers use them.
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    String url = server.url("/");
    ApiClient client = new ClientBuilder().setBasePath(url.substring(0, url.length() - 1)).build();
    core = new CoreV1Api(client);
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    server.destroy();
  }

  @Test
  void nodeHintsAndMaintenanceAfterReachTheRunningController() throws Exception {
    run("maintenanceAfter: 1\n  nodeHints: {mac: false, bmcNetworks: [127.0.0.0/8]}");
    // The running controller's view of worker-1: its configured MAC, the hinted BMC address.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> controller.clusterView().snapshot().node("worker-1").isPresent());
    List<DriverSpec> chain =
        controller.clusterView().snapshot().node("worker-1").get().spec().address().chain();
    assertThat(chain.get(0).settings()).containsEntry("mac", CONFIG_MAC);
    assertThat(chain.get(1).settings()).containsEntry("host", "127.0.0.9");

    // worker-2 is idle, is drained, and its BMC does not answer: one failed cycle is enough.
    await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> annotations("worker-2").containsKey(EcoKubeKeys.MAINTENANCE));
    assertThat(annotations("worker-2").get(EcoKubeKeys.MAINTENANCE))
        .startsWith("maintenance after 1 failed cycles");
    assertThat(annotations("worker-2")).containsKey(EcoKubeKeys.MAINTENANCE_SINCE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reasons("worker-2").contains("NodeMaintenance"));

    // The operator clears it: the node is let out (read again), and the controller removes the
    // operator's clear with its own annotations, so a later maintenance is not released at once.
    V1Node w2 = core.readNode("worker-2").execute();
    w2.getMetadata().getAnnotations().put(EcoKubeKeys.MAINTENANCE_CLEAR, "fixed the BMC");
    core.replaceNode("worker-2", w2).execute();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                reasons("worker-2").contains("PowerStateUnknown")
                    && !annotations("worker-2").containsKey(EcoKubeKeys.MAINTENANCE_CLEAR));
  }

  @Test
  void clusterHealthReachesTheRunningController() throws Exception {
    run("clusterHealth: {maxUnreadyPercent: 0, okUnreadyCount: 0}");
    // broken-0 has been looked at: the engine has run with every node known.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> reasons("broken-0").contains("PowerStateOff"));
    // With the default limits worker-2 is drained within a few reconciles (see the test above).
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !cordoned("worker-2") && !reasons("worker-2").contains("DrainNode"));
  }

  /** Starts the controller on a cluster of four nodes with the given {@code safety} keys. */
  private void run(String safety) throws Exception {
    node("control-plane", true, Map.of());
    // Unmanaged and NotReady: a sick node, counted by the breaker.
    node("broken-0", false, Map.of());
    node(
        "worker-1",
        false,
        Map.of(
            EcoKubeKeys.MAC,
            NODE_MAC,
            EcoKubeKeys.BMC_ADDRESS,
            "127.0.0.9",
            EcoKubeKeys.POWER_STATE,
            NodeRecordJson.encode(NodeRecord.initial(NodeLifecycle.OFF, Instant.now()))));
    node("worker-2", true, Map.of());
    core.createNamespacedSecret(
            "ecokube",
            new V1Secret()
                .apiVersion("v1")
                .kind("Secret")
                .metadata(new V1ObjectMeta().name("bmc").namespace("ecokube"))
                .data(Map.of("password", "not-a-real-password".getBytes(StandardCharsets.UTF_8))))
        .execute();
    Path config = Files.writeString(dir.resolve("ecokube.yaml"), config(safety));
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kubeconfig());
    controller =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(kubeconfig),
                "ecokube",
                "replica-a",
                0,
                Duration.ofMillis(200),
                false,
                Optional.empty()));
    controller.start();
  }

  private String config(String safety) {
    String driver =
        """
              drivers:
                - driver: wol
                  settings: {mac: "MAC", address: 127.0.0.1, port: PORT}
                - driver: ipmi
                  settings: {host: HOST, port: 1, username: admin, password: "k8s:ecokube/bmc/password"}
        """;
    return """
        pools:
          default: {minActive: 0, idleGrace: 1s}
        engine:
          minUptime: 0s
          bootTimeoutGrace: 1s
          attemptsPerDriver: 1
          retryBackoff: 100ms
        safety:
          SAFETY
        nodes:
          - name: control-plane
            controlPlane: true
            allocatable: {cpu: "4", memory: 8Gi}
          - name: worker-1
            allocatable: {cpu: "4", memory: 8Gi}
            power:
        W1
          - name: worker-2
            allocatable: {cpu: "2", memory: 8Gi}
            power:
        W2
        """
        .replace(
            "W1", driver.replace("MAC", CONFIG_MAC).replace("HOST", "127.0.0.1").stripTrailing())
        .replace(
            "W2",
            driver.replace("MAC", "aa:bb:cc:dd:ee:02").replace("HOST", "127.0.0.2").stripTrailing())
        .replace("SAFETY", safety)
        // The discard port on loopback: no packet leaves the machine (none is sent: no wake).
        .replace("PORT", "9");
  }

  private String kubeconfig() {
    String url = server.url("/");
    return """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "URL"}}]
        users: [{name: test, user: {}}]
        contexts: [{name: fake, context: {cluster: fake, user: test}}]
        current-context: fake
        """
        .replace("URL", url.substring(0, url.length() - 1));
  }

  private void node(String name, boolean ready, Map<String, String> annotations) throws Exception {
    node(name, ready, annotations, "4");
  }

  private void node(String name, boolean ready, Map<String, String> annotations, String cpu)
      throws Exception {
    V1Node n =
        new V1Node()
            .apiVersion("v1")
            .kind("Node")
            .metadata(new V1ObjectMeta().name(name).annotations(new HashMap<>(annotations)))
            .status(
                new V1NodeStatus()
                    .allocatable(
                        Map.of(
                            "cpu", Quantity.fromString(cpu),
                            "memory", Quantity.fromString("8Gi"),
                            "pods", Quantity.fromString("110")))
                    .conditions(
                        List.of(
                            new V1NodeCondition().type("Ready").status(ready ? "True" : "False"))));
    core.createNode(n).execute();
  }

  private boolean cordoned(String node) throws Exception {
    V1Node n = core.readNode(node).execute();
    return n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable());
  }

  private Map<String, String> annotations(String node) throws Exception {
    Map<String, String> a = core.readNode(node).execute().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private List<String> reasons(String node) throws Exception {
    return core.listEventForAllNamespaces().execute().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && node.equals(e.getInvolvedObject().getName()))
        .map(CoreV1Event::getReason)
        .toList();
  }
}
