package io.ecokube.sim;

import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import io.ecokube.core.energy.EnergyLedger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Simulator} reports besides energy: the timeline of events (arrivals, starts,
 * actions, state changes), every lifecycle transition and the power-ons per node. It listens to the
 * engine for actions and transitions; the jobs' side records through {@link #record}.
 */
final class SimulationRecorder implements EngineListener {
  private final Clock clock;
  private final EnergyLedger ledger;
  private final List<TimelineEvent> timeline = new ArrayList<>();
  private final List<NodeTransition> transitions = new ArrayList<>();
  private final Map<String, Integer> cycles = new LinkedHashMap<>();

  SimulationRecorder(Clock clock, EnergyLedger ledger) {
    this.clock = clock;
    this.ledger = ledger;
  }

  /** Counts the node's power cycles from zero; nodes are reported in the order added. */
  void node(String name) {
    cycles.put(name, 0);
  }

  /** Adds a timeline event now, with the ledger's power at this moment. */
  void record(String kind, String subject, String detail) {
    timeline.add(
        new TimelineEvent(
            clock.now(), kind, subject, detail, ledger.watts(), ledger.alwaysOnWatts()));
  }

  List<TimelineEvent> timeline() {
    return timeline;
  }

  List<NodeTransition> transitions() {
    return transitions;
  }

  Map<String, Integer> cycles() {
    return cycles;
  }

  @Override
  public void onPlan(Plan plan) {
    for (PlannedAction a : plan.actions()) {
      record("ACTION", a.node(), a.type() + ": " + a.reason());
    }
  }

  @Override
  public void onOutcome(ActionOutcome o) {
    if (o.result() != ActionOutcome.Result.SUCCEEDED) {
      record(
          "OUTCOME", o.action().node(), o.action().type() + " " + o.result() + ": " + o.detail());
    }
  }

  @Override
  public void onTransition(NodeTransition t) {
    transitions.add(t);
    if (t.to() == NodeLifecycle.BOOTING) {
      cycles.merge(t.node(), 1, Integer::sum);
    }
    record("STATE", t.node(), t.from() + " -> " + t.to() + ": " + t.reason());
  }
}
