package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.lifecycle.Lifecycle;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Stage 3, scale-down, and housekeeping. An ACTIVE node empty of work for its idle grace (the
 * pool's, else its energy break-even time), that no demand or forecast was placed on, past its
 * minimum uptime, with a power cycle left today and above its pool's warm reserve, is drained,
 * within the suspend rate limit; the longest-empty nodes go first. A DRAINING node with no work
 * left is powered off; one whose drain failed or outlived {@code drainTimeout}, or whose pool fell
 * below {@code minActive}, is uncordoned back to ACTIVE. BOOTING nodes that are Ready but cordoned
 * are uncordoned; UNKNOWN nodes and FAILED nodes past their backoff are probed.
 */
final class ScaleDownStage {

  /**
   * What the stage reads: nodes the fit stage acted on or placed demand on are left alone.
   *
   * @param in the decision input
   * @param table the step's nodes, as the fit stage left them
   */
  record Input(DecisionInput in, NodeTable table) {
    Input {
      Objects.requireNonNull(in, "in");
      Objects.requireNonNull(table, "table");
    }
  }

  /**
   * What the stage proposes and what it held back, in the order decided.
   *
   * @param proposed DRAIN, POWER_OFF, UNCORDON and PROBE actions
   * @param held drains and power-offs held back, each with the reason
   */
  record Output(List<PlannedAction> proposed, List<HeldBack> held) {
    Output {
      proposed = List.copyOf(Objects.requireNonNull(proposed, "proposed"));
      held = List.copyOf(Objects.requireNonNull(held, "held"));
    }
  }

  private final DecisionInput in;
  private final NodeTable t;
  private final EnginePolicy policy;
  private final Instant now;
  private int suspendsLeft;
  private final List<PlannedAction> proposed = new ArrayList<>();
  private final List<HeldBack> held = new ArrayList<>();

  private ScaleDownStage(Input input) {
    this.in = input.in();
    this.t = input.table();
    this.policy = in.policy();
    this.now = in.now();
    this.suspendsLeft = WakeLimits.left(policy.suspendRate(), in.recentSuspends(), now);
  }

  static Output run(Input input) {
    ScaleDownStage s = new ScaleDownStage(input);
    s.scaleDown();
    s.housekeeping();
    return new Output(s.proposed, s.held);
  }

  private void scaleDown() {
    List<Integer> idle = new ArrayList<>();
    for (int i = 0; i < t.n; i++) {
      if (!t.free(i)) {
        continue;
      }
      if (t.state[i] == NodeLifecycle.DRAINING) {
        draining(i);
      } else if (t.state[i] == NodeLifecycle.ACTIVE
          && !t.work[i]
          && t.placed[i] == 0
          && t.nodes[i].spec().powerManageable()
          && in.emptySince().containsKey(t.nodes[i].name())) {
        idle.add(i);
      }
    }
    idle.sort(Comparator.comparing((Integer i) -> in.emptySince().get(t.nodes[i].name())));
    for (int i : idle) {
      considerDrain(i);
    }
  }

  private void considerDrain(int i) {
    ClusterNode cn = t.nodes[i];
    String name = cn.name();
    NodeRecord r = t.recs[i];
    Instant empty = in.emptySince().get(name);
    PoolPolicy pp = policy.pool(cn.spec().pool());
    Duration grace = pp.idleGrace().orElse(cn.spec().power().breakEven());
    Duration idleFor = Duration.between(empty, now);
    if (idleFor.compareTo(grace) < 0) {
      return;
    }
    String idleWhy =
        "node "
            + name
            + " has been empty of work for "
            + idleFor.toSeconds()
            + " s (idle grace "
            + grace.toSeconds()
            + " s";
    idleWhy += pp.idleGrace().isPresent() ? ", pool setting)" : ", its energy break-even time)";
    if (!r.powerOns().isEmpty()) {
      Instant up = r.powerOns().get(r.powerOns().size() - 1);
      Instant until = up.plus(policy.minUptime());
      if (now.isBefore(until)) {
        hold(
            name,
            ActionType.DRAIN,
            idleWhy
                + ", but it stays on until "
                + until
                + " (minUptime "
                + policy.minUptime().toSeconds()
                + " s)");
        return;
      }
    }
    int cycles = Lifecycle.cyclesWithinDay(r, now);
    if (cycles >= policy.maxCyclesPerNodePerDay()) {
      hold(
          name,
          ActionType.DRAIN,
          idleWhy
              + ", but it was powered on "
              + cycles
              + " times in 24 h (cycle limit "
              + policy.maxCyclesPerNodePerDay()
              + ") and could not be woken again");
      return;
    }
    String pool = cn.spec().pool();
    int[] on = t.onIn(pool);
    if (on[0] - 1 < pp.warmReserve()) {
      hold(
          name,
          ActionType.DRAIN,
          idleWhy + ", but pool " + pool + " keeps a warm reserve of " + pp.warmReserve());
      return;
    }
    if (suspendsLeft <= 0) {
      RateLimit l = policy.suspendRate();
      hold(
          name,
          ActionType.DRAIN,
          idleWhy
              + ", but the suspend rate limit of "
              + l.count()
              + " per "
              + l.window().toSeconds()
              + " s is reached");
      return;
    }
    suspendsLeft--;
    on[0]--;
    t.propose(i, ActionType.DRAIN, idleWhy + " and no demand or forecast needs it", proposed);
  }

  private void draining(int i) {
    NodeRecord r = t.recs[i];
    String name = t.nodes[i].name();
    String pool = t.nodes[i].spec().pool();
    int minActive = policy.pool(pool).minActive();
    if (t.work[i]) {
      Instant deadline = r.since().plus(policy.drainTimeout());
      if (r.attempts() > 0 || !now.isBefore(deadline)) {
        t.propose(
            i,
            ActionType.UNCORDON,
            "drain of "
                + name
                + " did not complete within drainTimeout "
                + policy.drainTimeout().toSeconds()
                + " s ("
                + r.lastError().orElse("workload pods remain")
                + "): giving the node back",
            proposed);
      }
      return;
    }
    int active = t.activeIn(pool);
    if (active < minActive) {
      t.propose(
          i,
          ActionType.UNCORDON,
          "pool " + pool + " has " + active + " ACTIVE nodes, below its minActive " + minActive,
          proposed);
      return;
    }
    Instant retry = Lifecycle.retryAt(policy, r);
    if (r.attempts() > 0 && now.isBefore(retry)) {
      hold(
          name,
          ActionType.POWER_OFF,
          "power-off failed (" + r.lastError().orElse("?") + "); retry at " + retry);
      return;
    }
    t.propose(
        i, ActionType.POWER_OFF, "drain of " + name + " finished: no workload pods left", proposed);
  }

  private void housekeeping() {
    for (int i = 0; i < t.n; i++) {
      if (!t.free(i)) {
        continue;
      }
      String name = t.nodes[i].name();
      switch (t.state[i]) {
        case BOOTING:
          if (t.nodes[i].ready() && t.nodes[i].cordoned()) {
            t.propose(i, ActionType.UNCORDON, "node " + name + " is Ready after boot", proposed);
          }
          break;
        case UNKNOWN:
          t.propose(
              i,
              ActionType.PROBE,
              "state of node " + name + " is unknown: reading it before acting",
              proposed);
          break;
        case FAILED:
          NodeRecord r = t.recs[i];
          Instant at = r.since().plus(Lifecycle.backoff(policy, Math.max(1, r.attempts())));
          if (!now.isBefore(at)) {
            t.propose(
                i,
                ActionType.PROBE,
                "node "
                    + name
                    + " quarantined since "
                    + r.since()
                    + " ("
                    + r.lastError().orElse("failed")
                    + "): re-probing",
                proposed);
          }
          break;
        default:
          break;
      }
    }
  }

  private void hold(String node, ActionType type, String reason) {
    held.add(new HeldBack(node, type, reason));
  }
}
