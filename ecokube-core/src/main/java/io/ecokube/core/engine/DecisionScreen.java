package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.driver.PowerIdentity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the decision sees of the cluster, made safe before it sees it; the engine's own view (for
 * drivers and the state machine) stays the real snapshot.
 *
 * <ul>
 *   <li>An ACTIVE node that is NotReady (kubelet gone, network partition) is no capacity: it gets a
 *       {@value #NOT_READY_TAINT} NoSchedule taint, so demand that needs it wakes a spare, and is
 *       protected, so nothing powers off a machine whose pods nobody can see.
 *   <li>Nodes whose chains point at the same MAC, BMC or endpoint ({@link PowerIdentity}) are
 *       protected: powering one off would power the other off.
 *   <li>While more nodes are unready than the cluster-health limit allows (the larger of {@code
 *       okUnready} and {@code maxUnreadyShare} of the nodes, as Cluster Autoscaler counts it),
 *       every node is protected: no scale-down while the cluster is unhealthy; waking stays
 *       allowed.
 * </ul>
 *
 * Nodes Eco-Kube keeps off or is changing (OFF, BOOTING, SHUTTING_DOWN) are NotReady on purpose and
 * do not count as unready; a quarantined (FAILED) node does.
 */
final class DecisionScreen {
  /** The taint that keeps demand off an ACTIVE node that is NotReady. */
  static final String NOT_READY_TAINT = "ecokube.io/not-ready";

  private static final Set<NodeLifecycle> NOT_READY_ON_PURPOSE =
      EnumSet.of(NodeLifecycle.OFF, NodeLifecycle.BOOTING, NodeLifecycle.SHUTTING_DOWN);

  /**
   * The screened snapshot and why nodes were held.
   *
   * @param snapshot what the decision gets
   * @param held node name to why it may not be powered off now
   * @param breakerOpen whether the cluster-health breaker stops all scale-down
   */
  record Screened(ClusterSnapshot snapshot, Map<String, String> held, boolean breakerOpen) {}

  private final double maxUnreadyShare;
  private final int okUnready;

  DecisionScreen(double maxUnreadyShare, int okUnready) {
    if (!(maxUnreadyShare >= 0 && maxUnreadyShare <= 1)) {
      throw new IllegalArgumentException(
          "maxUnreadyShare must be between 0 and 1, got " + maxUnreadyShare);
    }
    if (okUnready < 0) {
      throw new IllegalArgumentException("okUnready must be >= 0, got " + okUnready);
    }
    this.maxUnreadyShare = maxUnreadyShare;
    this.okUnready = okUnready;
  }

  Screened screen(ClusterSnapshot raw, Map<String, NodeRecord> records) {
    Map<String, String> held = new TreeMap<>();
    List<NodeSpec> managed = new ArrayList<>();
    int unready = 0;
    for (ClusterNode n : raw.nodes()) {
      if (n.spec().address().managed()) {
        managed.add(n.spec());
      }
      NodeRecord r = records.get(n.name());
      NodeLifecycle state = r == null ? NodeLifecycle.UNKNOWN : r.state();
      // Only a node Eco-Kube can power is off on purpose; an unmanaged NotReady node (read as OFF
      // by its probe, having no driver) is a sick node and counts.
      boolean onPurpose = n.spec().address().managed() && NOT_READY_ON_PURPOSE.contains(state);
      if (!n.ready() && !onPurpose) {
        unready++;
        if (state == NodeLifecycle.ACTIVE) {
          held.put(n.name(), "node " + n.name() + " is ACTIVE but NotReady: no capacity");
        }
      }
    }
    held.putAll(PowerIdentity.conflicts(managed));
    int total = raw.nodes().size();
    boolean breakerOpen = unready > Math.max(okUnready, maxUnreadyShare * total);
    if (held.isEmpty() && !breakerOpen) {
      return new Screened(raw, held, false);
    }
    List<ClusterNode> nodes = new ArrayList<>(total);
    for (ClusterNode n : raw.nodes()) {
      if (!breakerOpen && !held.containsKey(n.name())) {
        nodes.add(n);
        continue;
      }
      NodeSpec.Builder b = n.spec().toBuilder().protectedNode(true);
      NodeRecord r = records.get(n.name());
      if (!n.ready() && r != null && r.state() == NodeLifecycle.ACTIVE) {
        b.taint(new Taint(NOT_READY_TAINT, "true", TaintEffect.NO_SCHEDULE));
      }
      nodes.add(new ClusterNode(b.build(), n.ready(), n.cordoned()));
    }
    return new Screened(new ClusterSnapshot(raw.takenAt(), nodes, raw.pods()), held, breakerOpen);
  }
}
