package io.ecokube.core.decision.rank;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import java.time.Instant;
import java.util.Objects;

/**
 * An OFF node that may be woken, as a {@link WakeRanker} sees it.
 *
 * @param node the node
 * @param offSince since when it has been off (longest-off first is the usual tie-break, so wear is
 *     spread across nodes)
 * @param free what pods could use on it once it is on: allocatable less the pods still bound to it
 */
public record WakeCandidate(NodeSpec node, Instant offSince, Resources free) {
  /** Validates. */
  public WakeCandidate {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(offSince, "offSince");
    Objects.requireNonNull(free, "free");
  }

  /** Idle watts per allocatable CPU core; {@link Double#MAX_VALUE} for a node without CPU. */
  public double idleWattsPerCore() {
    double cores = node.allocatable().cpuMillis() / 1000.0;
    return cores <= 0 ? Double.MAX_VALUE : node.power().idleWatts() / cores;
  }
}
