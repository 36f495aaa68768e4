package io.ecokube.core.decision;

import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.core.decision.rank.WakeRanker;
import io.ecokube.core.decision.rank.WakeRankers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The pure decision step: {@link DecisionInput} in, {@link Plan} out. It indexes the nodes once
 * (with the per-step {@link NodeUsageMemo} when one is given) and composes four stages, each of
 * which books what it commits into the step's node table so the next stage sees it:
 *
 * <ol>
 *   <li>{@link DemandStage}: the pods to place (pending, missing replicas, forecast), in groups of
 *       identical pods;
 *   <li>{@link FitStage}: places them on ACTIVE and BOOTING nodes, brings DRAINING nodes back,
 *       defers carbon-deferrable demand, and wakes OFF nodes in the order of the policy's {@link
 *       WakeRanker} within the power caps, rate limit and cost budget;
 *   <li>{@link ScaleDownStage}: drains idle nodes, powers drained ones off, uncordons and probes;
 *   <li>{@link Guard}: always last, removes every proposal that breaks a safety rule.
 * </ol>
 *
 * <p>Cost is linear: one pass over the pods (through the snapshot's per-node index), one pass over
 * the nodes per distinct pod shape that has to be placed, and no node-by-pod loops.
 */
public final class Decider {

  private Decider() {}

  /** Decides what to do. */
  public static Plan decide(DecisionInput in) {
    return run(in, Optional.empty());
  }

  /**
   * Decides what to do, reusing the per-node pod totals of earlier steps from {@code memo} where a
   * node's pods are unchanged. Gives the same plan as {@link #decide(DecisionInput)}; a loop that
   * decides again and again keeps one memo to avoid re-reading every pod every step.
   */
  public static Plan decide(DecisionInput in, NodeUsageMemo memo) {
    return run(in, Optional.of(Objects.requireNonNull(memo, "memo")));
  }

  private static Plan run(DecisionInput in, Optional<NodeUsageMemo> memo) {
    WakeRanker ranker = WakeRankers.named(in.policy().wakeRanker());
    NodeTable table = NodeTable.index(in, memo);
    DemandStage.Output demand = DemandStage.run(new DemandStage.Input(in, table.activeOf));
    FitStage.Output fit = FitStage.run(new FitStage.Input(in, table, demand.groups(), ranker));
    ScaleDownStage.Output down = ScaleDownStage.run(new ScaleDownStage.Input(in, table));
    List<PlannedAction> proposed = new ArrayList<>(fit.proposed());
    proposed.addAll(down.proposed());
    Guard.Verdict v = Guard.apply(in, proposed, table.activeCounts());
    List<HeldBack> held = new ArrayList<>(fit.held());
    held.addAll(down.held());
    held.addAll(v.refused());
    return new Plan(in.now(), v.allowed(), held);
  }

  /** Resources in words: {@code 2000m CPU, 4.0 GiB, 1 GPU}. */
  static String describe(Resources r) {
    StringBuilder b = new StringBuilder();
    b.append(r.cpuMillis()).append("m CPU, ");
    b.append(String.format(Locale.ROOT, "%.1f GiB", r.memoryBytes() / (1024.0 * 1024 * 1024)));
    if (r.gpus() > 0) {
      b.append(", ").append(r.gpus()).append(" GPU");
    }
    return b.toString();
  }
}
