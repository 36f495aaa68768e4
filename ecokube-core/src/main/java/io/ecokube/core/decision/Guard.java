package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The safety guard: the last stage of every decision, which no policy can switch off. It removes
 * every proposed action that breaks a rule and says why in a {@link HeldBack}:
 *
 * <ul>
 *   <li>never drain or power off a node that runs a workload pod (DaemonSet and mirror pods aside),
 *       a protected or control-plane node, or a node whose power is not managed;
 *   <li>never drain or power off so that a pool has fewer ACTIVE nodes than its {@code minActive};
 *   <li>never drain or power off while demand is stale (flagged stale, or older than {@code
 *       demandStaleAfter}); waking stays allowed;
 *   <li>never act on a node in UNKNOWN or FAILED except to PROBE it;
 *   <li>at most one action per node, none for a node with an action in flight, none for a node
 *       missing from the snapshot, and only actions that fit the node's state (WAKE from OFF, DRAIN
 *       from ACTIVE, POWER_OFF from DRAINING).
 * </ul>
 */
public final class Guard {

  /**
   * What the guard let through and what it refused.
   *
   * @param allowed the actions that may run, in proposal order, at most one per node
   * @param refused the proposals it refused, each with the rule that refused it
   */
  public record Verdict(List<PlannedAction> allowed, List<HeldBack> refused) {
    /** Copies. */
    public Verdict {
      allowed = List.copyOf(Objects.requireNonNull(allowed, "allowed"));
      refused = List.copyOf(Objects.requireNonNull(refused, "refused"));
    }
  }

  private Guard() {}

  /** Whether the input's demand must be treated as stale, and why. */
  public static Optional<String> staleness(DecisionInput in) {
    if (in.demand().staleReason().isPresent()) {
      return in.demand().staleReason();
    }
    Duration age = Duration.between(in.demand().observedAt(), in.now());
    if (age.compareTo(in.policy().demandStaleAfter()) > 0) {
      return Optional.of(
          "demand was read "
              + age.toSeconds()
              + " s ago, longer than demandStaleAfter "
              + in.policy().demandStaleAfter().toSeconds()
              + " s");
    }
    return Optional.empty();
  }

  /** Filters the proposals. */
  public static Verdict apply(DecisionInput in, List<PlannedAction> proposed) {
    Map<String, Integer> activeByPool = new HashMap<>();
    for (ClusterNode n : in.snapshot().nodes()) {
      if (stateOf(in, n.name()) == NodeLifecycle.ACTIVE) {
        activeByPool.merge(n.spec().pool(), 1, Integer::sum);
      }
    }
    return apply(in, proposed, activeByPool);
  }

  /**
   * Filters the proposals, given the ACTIVE nodes per pool of the input (which the decider has
   * counted already, so a step does not count them twice).
   */
  static Verdict apply(
      DecisionInput in, List<PlannedAction> proposed, Map<String, Integer> activeInInput) {
    Optional<String> stale = staleness(in);
    Map<String, Integer> activeByPool = new HashMap<>(activeInInput);
    Set<String> seen = new HashSet<>();
    List<PlannedAction> allowed = new ArrayList<>();
    List<HeldBack> refused = new ArrayList<>();
    for (PlannedAction a : proposed) {
      String why = refusal(in, a, stale, activeByPool, seen);
      if (why == null) {
        allowed.add(a);
        seen.add(a.node());
        if (a.type() == ActionType.DRAIN) {
          activeByPool.merge(
              in.snapshot().node(a.node()).orElseThrow().spec().pool(), -1, Integer::sum);
        }
      } else {
        refused.add(new HeldBack(a.node(), a.type(), "guard: " + why));
      }
    }
    return new Verdict(allowed, refused);
  }

  private static NodeLifecycle stateOf(DecisionInput in, String node) {
    NodeRecord r = in.records().get(node);
    return r == null ? NodeLifecycle.UNKNOWN : r.state();
  }

  private static String refusal(
      DecisionInput in,
      PlannedAction a,
      Optional<String> stale,
      Map<String, Integer> activeByPool,
      Set<String> seen) {
    String node = a.node();
    if (seen.contains(node)) {
      return "another action is already planned for node " + node;
    }
    if (in.inFlight().contains(node)) {
      return "node " + node + " has an action in flight";
    }
    Optional<ClusterNode> cn = in.snapshot().node(node);
    if (cn.isEmpty()) {
      return "node " + node + " is not in the cluster snapshot";
    }
    NodeLifecycle state = stateOf(in, node);
    if ((state == NodeLifecycle.UNKNOWN || state == NodeLifecycle.FAILED)
        && a.type() != ActionType.PROBE) {
      return "node " + node + " is " + state + ": only PROBE is allowed until its state is read";
    }
    switch (a.type()) {
      case WAKE:
        if (state != NodeLifecycle.OFF) {
          return "WAKE needs state OFF, node " + node + " is " + state;
        }
        if (!cn.get().spec().address().managed()) {
          return "node " + node + " has no power driver";
        }
        return null;
      case DRAIN:
        if (state != NodeLifecycle.ACTIVE) {
          return "DRAIN needs state ACTIVE, node " + node + " is " + state;
        }
        return scaleDownRefusal(in, cn.get(), stale, activeByPool, 1);
      case POWER_OFF:
        if (state != NodeLifecycle.DRAINING) {
          return "POWER_OFF needs state DRAINING, node " + node + " is " + state;
        }
        return scaleDownRefusal(in, cn.get(), stale, activeByPool, 0);
      case UNCORDON:
        if (state == NodeLifecycle.OFF || state == NodeLifecycle.SHUTTING_DOWN) {
          return "UNCORDON of node " + node + " that is " + state;
        }
        return null;
      case PROBE:
        return null;
      default:
        throw new IllegalStateException("unhandled action type " + a.type());
    }
  }

  private static String scaleDownRefusal(
      DecisionInput in,
      ClusterNode n,
      Optional<String> stale,
      Map<String, Integer> activeByPool,
      int activeLost) {
    String node = n.name();
    if (n.spec().controlPlane()) {
      return "node " + node + " is a control-plane node and is never powered off";
    }
    if (n.spec().protectedNode()) {
      return "node " + node + " is protected and is never powered off";
    }
    if (!n.spec().address().managed()) {
      return "node " + node + " has no power driver (unmanaged) and stays on";
    }
    for (PodInfo p : in.snapshot().podsOn(node)) {
      if (p.isWorkOnNode()) {
        return "node " + node + " runs workload pod " + p.key();
      }
    }
    if (stale.isPresent()) {
      return "demand is stale (" + stale.get() + "): no scale-down until it is fresh";
    }
    String pool = n.spec().pool();
    int minActive = in.policy().pool(pool).minActive();
    int active = activeByPool.getOrDefault(pool, 0);
    if (active - activeLost < minActive) {
      return "pool "
          + pool
          + " would have "
          + (active - activeLost)
          + " ACTIVE nodes, below its minActive "
          + minActive;
    }
    return null;
  }
}
