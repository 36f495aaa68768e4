package io.ecokube.api.cluster;

import io.ecokube.api.node.NodeSpec;
import java.util.Objects;

/**
 * A node in a cluster snapshot: its spec and what the cluster says of it now.
 *
 * @param spec the node's spec
 * @param ready whether the node reports Ready (kubelet up and healthy)
 * @param cordoned whether new pods are kept off it (spec.unschedulable)
 */
public record ClusterNode(NodeSpec spec, boolean ready, boolean cordoned) {
  /** Validates. */
  public ClusterNode {
    Objects.requireNonNull(spec, "spec");
  }

  /** The node's name. */
  public String name() {
    return spec.name();
  }
}
