package io.ecokube.sim.cluster;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A scheduling discipline for an {@link InMemoryCluster}: which waiting pods are bound, and where,
 * each time the cluster is looked at. The built-in one binds every pod that fits, first fit in
 * priority order; a batch system's queue (first come first served with backfilling, as Slurm does)
 * holds some back so that jobs needing whole nodes are not starved by small ones.
 */
@FunctionalInterface
public interface PodScheduler {
  /**
   * Chooses the pods to bind now.
   *
   * @param waiting the unbound pods, highest priority first, then oldest
   * @param nodes the nodes that can take pods now (Ready, not cordoned, not marked powered off), in
   *     the cluster's order
   * @param used what the active pods on each node request, by node name (absent: nothing)
   * @param now the cluster's time
   * @return the node name for each pod key to bind now; the others keep waiting
   */
  Map<String, String> place(
      List<PodInfo> waiting, List<NodeSpec> nodes, Map<String, Resources> used, Instant now);
}
