package io.ecokube.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.util.PatchUtils;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Shows on the Node that the controller holds it in maintenance: annotations {@link
 * EcoKubeKeys#MAINTENANCE} (why) and {@link EcoKubeKeys#MAINTENANCE_SINCE} (since when), so {@code
 * kubectl describe node} and any tool reading Nodes see it without the controller's Events or
 * metrics. Annotations need only the {@code patch nodes} the controller already has (a Node
 * condition would need {@code nodes/status}, and the kubelet owns that list).
 */
@KubernetesAccess(
    resources = "nodes",
    verbs = {"get", "patch"})
public final class NodeMaintenanceStatus {
  private final ApiClient client;
  private final CoreV1Api core;
  private final Clock clock;

  /** Writes through the given client, stamping with the clock. */
  public NodeMaintenanceStatus(ApiClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.core = new CoreV1Api(client);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Marks the node as held in maintenance.
   *
   * @throws ActuatorException saying what failed and what to check
   */
  public void entered(String node, String why) throws ActuatorException {
    JsonObject a = new JsonObject();
    a.addProperty(EcoKubeKeys.MAINTENANCE, why);
    a.addProperty(EcoKubeKeys.MAINTENANCE_SINCE, clock.now().toString());
    patch(node, a, "mark node " + node + " as in maintenance");
  }

  /**
   * Removes the maintenance annotations and the operator's {@link EcoKubeKeys#MAINTENANCE_CLEAR},
   * so the next maintenance is not released at once by a stale clear.
   *
   * @throws ActuatorException saying what failed and what to check
   */
  public void cleared(String node) throws ActuatorException {
    String what = "remove the maintenance annotations of node " + node;
    V1Node current;
    try {
      current = core.readNode(node).execute();
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
    Map<String, String> present = current.getMetadata().getAnnotations();
    // JSON patch "remove" ops for the keys that are there: a merge patch's null is not honoured
    // by every API server implementation, and removing an absent key would fail the patch.
    JsonArray ops = new JsonArray();
    for (String key :
        List.of(
            EcoKubeKeys.MAINTENANCE,
            EcoKubeKeys.MAINTENANCE_SINCE,
            EcoKubeKeys.MAINTENANCE_CLEAR)) {
      if (present != null && present.containsKey(key)) {
        JsonObject op = new JsonObject();
        op.addProperty("op", "remove");
        op.addProperty(
            "path", "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1"));
        ops.add(op);
      }
    }
    if (ops.isEmpty()) {
      return;
    }
    try {
      PatchUtils.patch(
          V1Node.class,
          () -> core.patchNode(node, new V1Patch(ops.toString())).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_PATCH,
          client);
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
  }

  private void patch(String node, JsonObject annotations, String what) throws ActuatorException {
    try {
      NodePatch.annotations(client, core, node, annotations);
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
  }
}
