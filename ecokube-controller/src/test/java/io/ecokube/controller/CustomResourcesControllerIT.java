package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.Gson;
import io.ecokube.kubernetes.crd.ResourceKind;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The shipped controller on the fake API server with NodePools, PowerPolicies and CostPolicies:
 * they reach the running engine, their statuses follow the cluster (a Node labelled into the pool
 * is counted, a running spend crosses the budget), conflicts are refused with a condition and an
 * Event, resources outside the watched namespace are not read, and a changed config file that now
 * declares the NodePool's pool wins over it.
 */
@Timeout(120)
class CustomResourcesControllerIT {
  private static final Gson GSON = new Gson();
  @TempDir Path dir;
  private KubernetesMockServer server;
  private CoreV1Api core;
  private CustomObjectsApi custom;
  private KubernetesController controller;

  @BeforeEach
  void start() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // As after kubectl apply -f deploy/crds.
    for (ResourceKind k : ResourceKind.values()) {
      server.expectCustomResource(
          new CustomResourceDefinitionContext.Builder()
              .withGroup(ResourceKind.GROUP)
              .withVersion(ResourceKind.VERSION)
              .withKind(k.kind())
              .withPlural(k.plural())
              .withScope("Namespaced")
              .withStatusSubresource(true)
              .build());
    }
    String url = server.url("/");
    ApiClient client = new ClientBuilder().setBasePath(url.substring(0, url.length() - 1)).build();
    core = new CoreV1Api(client);
    custom = new CustomObjectsApi(client);
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    server.destroy();
  }

  @Test
  void resourcesAreAppliedAndTheirStatusFollowsTheCluster() throws Exception {
    node("control-plane", Map.of("node-role.kubernetes.io/control-plane", ""));
    node("worker-1", Map.of("rack", "r2"));
    node("worker-2", Map.of("rack", "r2"));
    node("worker-3", Map.of("rack", "r3"));
    create(
        "ecokube",
        ResourceKind.NODE_POOL,
        "batch",
        Map.of("nodeSelector", Map.of("matchLabels", Map.of("rack", "r2")), "minWarmNodes", 1));
    create(
        "ecokube",
        ResourceKind.POWER_POLICY,
        "cluster-cap",
        Map.of("scope", "Cluster", "capWatts", 100000));
    // A second cluster-wide cap: refused, the older stays in force.
    create(
        "ecokube",
        ResourceKind.POWER_POLICY,
        "late-cap",
        Map.of("scope", "Cluster", "capWatts", 5));
    // Budget tiny enough that the idle cluster's own draw overspends it within seconds.
    create(
        "ecokube",
        ResourceKind.COST_POLICY,
        "budget",
        Map.of("budget", Map.of("perHour", 0.00002), "tariff", Map.of("pricePerKwh", 0.3)));
    // Outside the watched namespace: never read.
    create(
        "tenant",
        ResourceKind.NODE_POOL,
        "sneaky",
        Map.of("nodeSelector", Map.of("matchLabels", Map.of("rack", "r3"))));
    run();

    // The NodePool is in force in the running engine, and its status counts its two nodes.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> status("ecokube", ResourceKind.NODE_POOL, "batch").get("nodes"),
            n -> num(n) == 2);
    assertThat(controller.clusterView().snapshot().node("worker-1").orElseThrow().spec().pool())
        .isEqualTo("batch");
    assertThat(condition("ecokube", ResourceKind.NODE_POOL, "batch", "Ready"))
        .containsEntry("status", "True");
    assertThat(status("ecokube", ResourceKind.NODE_POOL, "batch"))
        .containsKeys("nodesOn", "nodesOff", "nodesInMaintenance", "wattsNow", "kwhSaved");

    // The older cap applies; the later one is refused with a reason, a message and an Event.
    assertThat(condition("ecokube", ResourceKind.POWER_POLICY, "cluster-cap", "Ready"))
        .containsEntry("status", "True");
    assertThat(status("ecokube", ResourceKind.POWER_POLICY, "cluster-cap").get("capWatts"))
        .satisfies(c -> assertThat(num(c)).isEqualTo(100000));
    Map<String, Object> late = condition("ecokube", ResourceKind.POWER_POLICY, "late-cap", "Ready");
    assertThat(late).containsEntry("status", "False").containsEntry("reason", "Conflict");
    assertThat((String) late.get("message")).contains("PowerPolicy ecokube/cluster-cap");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons("late-cap").contains("Conflict"));

    // The spend grows as the nodes draw power: BudgetExceeded turns True, with an Event.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> condition("ecokube", ResourceKind.COST_POLICY, "budget", "BudgetExceeded"),
            c -> "True".equals(c.get("status")));
    assertThat(status("ecokube", ResourceKind.COST_POLICY, "budget"))
        .containsEntry("state", "Exceeded")
        .containsKey("periodEnd");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> eventReasons("budget").contains("HourlyBudgetSpent"));

    // A Node labelled into the pool joins it.
    V1Node w3 = core.readNode("worker-3").execute();
    w3.getMetadata().getLabels().put("rack", "r2");
    core.replaceNode("worker-3", w3).execute();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> status("ecokube", ResourceKind.NODE_POOL, "batch").get("nodes"),
            n -> num(n) == 3);
    assertThat(controller.clusterView().snapshot().node("worker-3").orElseThrow().spec().pool())
        .isEqualTo("batch");

    // The tenant's NodePool was never read, so it has no status.
    assertThat(status("tenant", ResourceKind.NODE_POOL, "sneaky")).isEmpty();

    // The config file is changed to declare pool batch itself: the file wins, the NodePool is
    // refused as a conflict and its nodes go back to the default pool.
    Files.writeString(
        dir.resolve("ecokube.yaml"), FILE.replace("pools:", "pools:\n  batch: {minActive: 0}"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> condition("ecokube", ResourceKind.NODE_POOL, "batch", "Ready"),
            c -> "Conflict".equals(c.get("reason")));
    assertThat(
            (String) condition("ecokube", ResourceKind.NODE_POOL, "batch", "Ready").get("message"))
        .contains("pools.batch");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> controller.clusterView().snapshot().node("worker-1").orElseThrow().spec().pool(),
            "default"::equals);
  }

  private static final String FILE =
      """
      pools:
        default: {minActive: 0}
      nodes:
        - name: control-plane
          controlPlane: true
          allocatable: {cpu: "4", memory: 8Gi}
      """;

  private void run() throws Exception {
    Path config = Files.writeString(dir.resolve("ecokube.yaml"), FILE);
    String url = server.url("/");
    Path kubeconfig =
        Files.writeString(
            dir.resolve("kubeconfig"),
            """
            apiVersion: v1
            kind: Config
            clusters: [{name: fake, cluster: {server: "URL"}}]
            users: [{name: test, user: {}}]
            contexts: [{name: fake, context: {cluster: fake, user: test}}]
            current-context: fake
            """
                .replace("URL", url.substring(0, url.length() - 1)));
    controller =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(kubeconfig),
                "ecokube",
                "replica-a",
                0,
                Duration.ofMillis(300),
                false,
                Optional.empty()));
    controller.start();
  }

  private void node(String name, Map<String, String> labels) throws Exception {
    core.createNode(
            new V1Node()
                .apiVersion("v1")
                .kind("Node")
                .metadata(new V1ObjectMeta().name(name).labels(new HashMap<>(labels)))
                .status(
                    new V1NodeStatus()
                        .allocatable(
                            Map.of(
                                "cpu", Quantity.fromString("4"),
                                "memory", Quantity.fromString("8Gi"),
                                "pods", Quantity.fromString("110")))
                        .conditions(List.of(new V1NodeCondition().type("Ready").status("True")))))
        .execute();
  }

  private void create(String ns, ResourceKind kind, String name, Map<String, Object> spec)
      throws Exception {
    custom
        .createNamespacedCustomObject(
            ResourceKind.GROUP,
            ResourceKind.VERSION,
            ns,
            kind.plural(),
            Map.of(
                "apiVersion", ResourceKind.apiVersion(),
                "kind", kind.kind(),
                "metadata", Map.of("name", name, "namespace", ns),
                "spec", spec))
        .execute();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status(String ns, ResourceKind kind, String name) throws Exception {
    Object o =
        custom
            .getNamespacedCustomObject(
                ResourceKind.GROUP, ResourceKind.VERSION, ns, kind.plural(), name)
            .execute();
    Map<String, Object> m = GSON.fromJson(GSON.toJson(o), Map.class);
    Object s = m.get("status");
    return s instanceof Map<?, ?> ? (Map<String, Object>) s : Map.of();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> condition(String ns, ResourceKind kind, String name, String type)
      throws Exception {
    Object cs = status(ns, kind, name).get("conditions");
    if (cs instanceof List<?> list) {
      for (Object c : list) {
        Map<String, Object> m = (Map<String, Object>) c;
        if (type.equals(m.get("type"))) {
          return m;
        }
      }
    }
    return Map.of();
  }

  private List<String> eventReasons(String involved) throws Exception {
    return core.listNamespacedEvent("ecokube").execute().getItems().stream()
        .filter(e -> involved.equals(e.getInvolvedObject().getName()))
        .map(CoreV1Event::getReason)
        .toList();
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
