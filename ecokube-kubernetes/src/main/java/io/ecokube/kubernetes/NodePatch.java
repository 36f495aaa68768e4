package io.ecokube.kubernetes;

import com.google.gson.JsonObject;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.util.PatchUtils;

/**
 * A JSON merge patch of one Node: the one way the actuator, the state store and the maintenance
 * status write a Node's metadata, so all of them send the same content type.
 */
@KubernetesAccess(resources = "nodes", verbs = "patch")
final class NodePatch {
  private NodePatch() {}

  /** Merges {@code mergePatch} (RFC 7386) into the Node. */
  static void merge(ApiClient client, CoreV1Api core, String node, String mergePatch)
      throws ApiException {
    PatchUtils.patch(
        V1Node.class,
        () -> core.patchNode(node, new V1Patch(mergePatch)).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH,
        client);
  }

  /** Merges these annotations (a JSON null removes one) into the Node. */
  static void annotations(ApiClient client, CoreV1Api core, String node, JsonObject annotations)
      throws ApiException {
    JsonObject meta = new JsonObject();
    meta.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", meta);
    merge(client, core, node, patch.toString());
  }
}
