package io.ecokube.kubernetes;

import com.google.gson.JsonObject;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each node's {@link NodeRecord} as JSON ({@link NodeRecordJson}) in the Node's {@code
 * ecokube.io/power-state} annotation, so a restarted controller, or the replica that takes over the
 * Lease, resumes where the last one stopped. A record that cannot be read is logged and treated as
 * absent: the engine then reads the node's power state before acting.
 */
// Its patch goes through NodePatch, which declares it.
@KubernetesAccess(resources = "nodes", verbs = "get")
public final class NodeAnnotationStateStore implements NodeStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(NodeAnnotationStateStore.class);

  private final ApiClient client;
  private final CoreV1Api core;

  /** Creates a store on the given API client. */
  public NodeAnnotationStateStore(ApiClient client) {
    this.client = Objects.requireNonNull(client, "client");
    this.core = new CoreV1Api(client);
  }

  @Override
  public Optional<NodeRecord> load(String node) {
    V1Node n;
    try {
      n = core.readNode(node).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return Optional.empty();
      }
      throw new IllegalStateException(
          "reading the power state of node " + node + " failed: " + ApiErrors.describe(e), e);
    }
    Map<String, String> annotations = n.getMetadata().getAnnotations();
    String json = annotations == null ? null : annotations.get(EcoKubeKeys.POWER_STATE);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(NodeRecordJson.decode(json));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "node {}: annotation {} is not a valid power-state record ({}); treating the node's state"
              + " as unknown",
          node,
          EcoKubeKeys.POWER_STATE,
          e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void save(String node, NodeRecord record) {
    JsonObject annotations = new JsonObject();
    annotations.addProperty(EcoKubeKeys.POWER_STATE, NodeRecordJson.encode(record));
    try {
      NodePatch.annotations(client, core, node, annotations);
    } catch (ApiException e) {
      throw new IllegalStateException(
          "saving the power state of node "
              + node
              + " failed: "
              + ApiErrors.describe(e)
              + "; the ClusterRole needs 'patch' on nodes",
          e);
    }
  }
}
