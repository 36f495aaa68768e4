package io.ecokube.controller.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The fake Kubernetes API server (fabric8's mock server in CRUD mode) on loopback, with the
 * official client pointed at it, a kubeconfig file for the controller, and the kubelet's part in a
 * task's life (setting a worker pod's phase).
 */
public final class FakeCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final ApiClient client;
  private final CoreV1Api core;
  // Runs on the server's event loop: it must answer at once, never block.
  private volatile BiFunction<
          RecordedRequest, Function<RecordedRequest, MockResponse>, MockResponse>
      interceptor = (r, served) -> null;

  /** Starts the server. */
  public FakeCluster() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher() {
              @Override
              public MockResponse dispatch(RecordedRequest request) {
                MockResponse answer = interceptor.apply(request, super::dispatch);
                return answer != null ? answer : super.dispatch(request);
              }
            },
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = new ClientBuilder().setBasePath(url()).build();
    client.setReadTimeout(0);
    core = new CoreV1Api(client);
  }

  private String url() {
    String u = server.url("/");
    return u.substring(0, u.length() - 1);
  }

  /**
   * Answers the requests {@code interceptor} answers (a fault, or a reply the fake server cannot
   * give, such as an accepted eviction); it returns null for those the fake server serves as usual.
   * Its second argument serves a request as the fake server would (to delay or change that answer).
   * It runs on the server's event loop, so it must not block.
   */
  public void intercept(
      BiFunction<RecordedRequest, Function<RecordedRequest, MockResponse>, MockResponse>
          interceptor) {
    this.interceptor = interceptor;
  }

  /** The official client. */
  public ApiClient client() {
    return client;
  }

  /** The core API. */
  public CoreV1Api core() {
    return core;
  }

  /** A kubeconfig that points at this server, written into {@code dir}. */
  public Path kubeconfig(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("kubeconfig"),
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: fake, cluster: {server: "URL"}}]
        users: [{name: test, user: {}}]
        contexts: [{name: fake, context: {cluster: fake, user: test}}]
        current-context: fake
        """
            .replace("URL", url()));
  }

  /**
   * Options of a controller replica ({@code ecokube-0} in namespace {@code ecokube}, any free HTTP
   * port) that reads this config and talks to this server.
   */
  public io.ecokube.controller.ControllerOptions controllerOptions(
      Path config, Path dir, java.time.Duration interval) throws IOException {
    return new io.ecokube.controller.ControllerOptions(
        config,
        java.util.Optional.of(kubeconfig(dir)),
        "ecokube",
        "ecokube-0",
        0,
        interval,
        false,
        java.util.Optional.empty());
  }

  /** Eco-Kube's worker pods in the namespace. */
  public List<V1Pod> workers(String namespace) throws Exception {
    return core.listNamespacedPod(namespace)
        .labelSelector("app.kubernetes.io/managed-by=ecokube")
        .execute()
        .getItems();
  }

  /** A Ready node with this allocatable CPU and 8Gi of memory. */
  public void readyNode(String name, String cpu) throws Exception {
    node(name, cpu, true);
  }

  /** A node with this allocatable CPU and 8Gi of memory, Ready or not. */
  public void node(String name, String cpu, boolean ready) throws Exception {
    node(name, cpu, ready, java.util.Map.of());
  }

  /** A node with annotations (a power state an earlier controller left). */
  public void node(
      String name, String cpu, boolean ready, java.util.Map<String, String> annotations)
      throws Exception {
    core.createNode(
            new io.kubernetes.client.openapi.models.V1Node()
                .apiVersion("v1")
                .kind("Node")
                .metadata(
                    new io.kubernetes.client.openapi.models.V1ObjectMeta()
                        .name(name)
                        .annotations(annotations))
                .status(
                    new io.kubernetes.client.openapi.models.V1NodeStatus()
                        .allocatable(
                            java.util.Map.of(
                                "cpu", io.kubernetes.client.custom.Quantity.fromString(cpu),
                                "memory", io.kubernetes.client.custom.Quantity.fromString("8Gi"),
                                "pods", io.kubernetes.client.custom.Quantity.fromString("110")))
                        .conditions(
                            List.of(
                                new io.kubernetes.client.openapi.models.V1NodeCondition()
                                    .type("Ready")
                                    .status(ready ? "True" : "False")))))
        .execute();
  }

  /** A running bare pod on the node, requesting this much CPU. */
  public void runningPod(String namespace, String name, String node, String cpu) throws Exception {
    core.createNamespacedPod(
            namespace,
            new V1Pod()
                .apiVersion("v1")
                .kind("Pod")
                .metadata(
                    new io.kubernetes.client.openapi.models.V1ObjectMeta()
                        .name(name)
                        .namespace(namespace))
                .spec(
                    new io.kubernetes.client.openapi.models.V1PodSpec()
                        .nodeName(node)
                        .containers(
                            List.of(
                                new io.kubernetes.client.openapi.models.V1Container()
                                    .name("c")
                                    .resources(
                                        new io.kubernetes.client.openapi.models
                                                .V1ResourceRequirements()
                                            .requests(
                                                java.util.Map.of(
                                                    "cpu",
                                                    io.kubernetes.client.custom.Quantity.fromString(
                                                        cpu)))))))
                .status(new V1PodStatus().phase("Running")))
        .execute();
  }

  /** Deletes a pod. */
  public void deletePod(String namespace, String name) throws Exception {
    core.deleteNamespacedPod(name, namespace).execute();
  }

  /** The data of a ConfigMap, empty when it does not exist. */
  public java.util.Map<String, String> configMapData(String namespace, String name) {
    try {
      java.util.Map<String, String> d =
          core.readNamespacedConfigMap(name, namespace).execute().getData();
      return d == null ? java.util.Map.of() : d;
    } catch (io.kubernetes.client.openapi.ApiException e) {
      return java.util.Map.of();
    }
  }

  /** Plays the kubelet: the pod's containers ended with this phase. */
  public void phase(V1Pod pod, String phase) throws Exception {
    pod.status(new V1PodStatus().phase(phase));
    core.replaceNamespacedPod(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), pod)
        .execute();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
