package io.ecokube.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1OwnerReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodCondition;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.util.ClientBuilder;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * fabric8's Kubernetes mock server in CRUD mode on loopback, driven by the official client; plus a
 * "kubelet" thread that deletes a pod once its eviction was accepted, as a real cluster would.
 */
final class FakeApiServer implements AutoCloseable {
  final KubernetesMockServer server;
  final ApiClient client;
  final CoreV1Api core;
  private final AtomicBoolean kubeletRunning = new AtomicBoolean();
  private Thread kubelet;

  FakeApiServer() {
    // Quiet the server's per-request log; the test output stays readable.
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver")
        .setLevel(java.util.logging.Level.WARNING);
    // Mixed: explicit expectations (subresources such as pods/eviction) first, CRUD for the rest.
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    String url = server.url("/");
    client = new ClientBuilder().setBasePath(url.substring(0, url.length() - 1)).build();
    client.setReadTimeout(0);
    core = new CoreV1Api(client);
  }

  /**
   * Deletes pods whose eviction the server answered (the answers come from expectations); a refused
   * eviction (429) leaves the pod.
   */
  void startKubelet(java.util.function.Predicate<String> accepted) {
    kubeletRunning.set(true);
    kubelet =
        new Thread(
            () -> {
              while (kubeletRunning.get()) {
                try {
                  RecordedRequest r = server.takeRequest(100, TimeUnit.MILLISECONDS);
                  if (r == null || !r.getPath().endsWith("/eviction")) {
                    continue;
                  }
                  String[] p = r.getPath().split("/");
                  // /api/v1/namespaces/{ns}/pods/{name}/eviction
                  String ns = p[4];
                  String name = p[6];
                  if (accepted.test(ns + "/" + name)) {
                    core.deleteNamespacedPod(name, ns).execute();
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (ApiException | RuntimeException e) {
                  // Already gone, or an answer the client could not parse: the pod is deleted.
                }
              }
            },
            "test-kubelet");
    kubelet.setDaemon(true);
    kubelet.start();
  }

  V1Node createNode(
      String name, boolean ready, Map<String, String> labels, Map<String, String> annotations)
      throws ApiException {
    return core.createNode(node(name, ready, labels, annotations)).execute();
  }

  static V1Node node(
      String name, boolean ready, Map<String, String> labels, Map<String, String> annotations) {
    return new V1Node()
        .apiVersion("v1")
        .kind("Node")
        .metadata(new V1ObjectMeta().name(name).labels(labels).annotations(annotations))
        .status(
            new V1NodeStatus()
                .allocatable(
                    Map.of(
                        "cpu", Quantity.fromString("4"),
                        "memory", Quantity.fromString("8Gi"),
                        "pods", Quantity.fromString("110")))
                .conditions(
                    List.of(new V1NodeCondition().type("Ready").status(ready ? "True" : "False"))));
  }

  /** A running pod owned by a ReplicaSet on the node. */
  V1Pod createRunningPod(String ns, String name, String node) throws ApiException {
    V1Pod p =
        new V1Pod()
            .apiVersion("v1")
            .kind("Pod")
            .metadata(
                new V1ObjectMeta()
                    .name(name)
                    .namespace(ns)
                    .ownerReferences(
                        List.of(
                            new V1OwnerReference()
                                .apiVersion("apps/v1")
                                .kind("ReplicaSet")
                                .name("web-1")
                                .uid("u1")
                                .controller(true))))
            .spec(new V1PodSpec().nodeName(node).containers(List.of(new V1Container().name("c"))))
            .status(new V1PodStatus().phase("Running"));
    return core.createNamespacedPod(ns, p).execute();
  }

  /** A pod the scheduler could not place. */
  V1Pod createPendingPod(String ns, String name, String cpu) throws ApiException {
    V1Pod p =
        new V1Pod()
            .apiVersion("v1")
            .kind("Pod")
            .metadata(new V1ObjectMeta().name(name).namespace(ns))
            .spec(
                new V1PodSpec()
                    .containers(
                        List.of(
                            new V1Container()
                                .name("c")
                                .resources(
                                    new V1ResourceRequirements()
                                        .requests(Map.of("cpu", Quantity.fromString(cpu)))))))
            .status(
                new V1PodStatus()
                    .phase("Pending")
                    .conditions(
                        List.of(
                            new V1PodCondition()
                                .type("PodScheduled")
                                .status("False")
                                .reason("Unschedulable"))));
    return core.createNamespacedPod(ns, p).execute();
  }

  @Override
  public void close() {
    kubeletRunning.set(false);
    if (kubelet != null) {
      kubelet.interrupt();
      try {
        kubelet.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    server.destroy();
  }
}
