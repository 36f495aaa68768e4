package io.ecokube.api.cluster;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a pod needs from a node: resources, node selector, required node affinity and tolerations.
 *
 * @param requests the resources requested (including one pod slot)
 * @param nodeSelector labels the node must carry with these values
 * @param requiredAffinity affinity terms that must all hold
 * @param tolerations taints the pod tolerates
 */
public record SchedulingRequirements(
    Resources requests,
    Map<String, String> nodeSelector,
    List<NodeSelectorRequirement> requiredAffinity,
    List<Toleration> tolerations) {

  /** Validates and copies. */
  public SchedulingRequirements {
    Objects.requireNonNull(requests, "requests");
    nodeSelector = Map.copyOf(Objects.requireNonNull(nodeSelector, "nodeSelector"));
    requiredAffinity = List.copyOf(Objects.requireNonNull(requiredAffinity, "requiredAffinity"));
    tolerations = List.copyOf(Objects.requireNonNull(tolerations, "tolerations"));
  }

  /** Only resources; no selector, affinity or tolerations. */
  public static SchedulingRequirements of(Resources requests) {
    return new SchedulingRequirements(requests, Map.of(), List.of(), List.of());
  }

  /**
   * Whether the node's labels and taints admit this pod (ignoring resources): the node selector and
   * affinity match, and every NoSchedule/NoExecute taint is tolerated.
   */
  public boolean admits(NodeSpec node) {
    for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
      if (!e.getValue().equals(node.labels().get(e.getKey()))) {
        return false;
      }
    }
    for (NodeSelectorRequirement r : requiredAffinity) {
      if (!r.matches(node.labels())) {
        return false;
      }
    }
    for (Taint t : node.taints()) {
      if (t.repels() && tolerations.stream().noneMatch(tol -> tol.tolerates(t))) {
        return false;
      }
    }
    return true;
  }
}
