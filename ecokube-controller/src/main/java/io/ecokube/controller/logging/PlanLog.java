package io.ecokube.controller.logging;

import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every planned action and outcome, and held-back decisions only when they change: a node held
 * back by the same rule on every reconcile is logged once when it starts, again when the rule
 * holding it changes, and once when it is no longer held back. The reconcile runs every few
 * seconds; a line per tick per node would bury the actions. Numbers in a reason (a power reading,
 * money spent) do not count as a change: the rule is the same. Events keep the running count
 * ({@code KubernetesEventRecorder}).
 */
public final class PlanLog implements EngineListener {
  private static final Logger LOG = LoggerFactory.getLogger(PlanLog.class);
  private static final Pattern NUMBER = Pattern.compile("[0-9]+([.,][0-9]+)?");

  private final String prefix;
  private final Consumer<String> out;

  /** (subject, wanted) -> the reason's shape last logged. */
  private final Map<Key, String> held = new HashMap<>();

  private record Key(String subject, ActionType wanted) {}

  /** Logs to this class's logger at INFO; {@code dryRun} says "would" before each action. */
  public PlanLog(boolean dryRun) {
    this(dryRun, LOG::info);
  }

  /** Writes each line to {@code out}. */
  public PlanLog(boolean dryRun, Consumer<String> out) {
    this.prefix = dryRun ? "[dry run] would " : "";
    this.out = Objects.requireNonNull(out, "out");
  }

  @Override
  public synchronized void onPlan(Plan plan) {
    for (PlannedAction a : plan.actions()) {
      out.accept(prefix + a.type() + " " + a.node() + ": " + a.reason());
    }
    Map<Key, HeldBack> now = new HashMap<>();
    for (HeldBack h : plan.heldBack()) {
      now.put(new Key(h.subject(), h.wanted()), h);
    }
    for (Map.Entry<Key, HeldBack> e : now.entrySet()) {
      HeldBack h = e.getValue();
      String shape = NUMBER.matcher(h.reason()).replaceAll("#");
      String before = held.put(e.getKey(), shape);
      if (!shape.equals(before)) {
        out.accept("held back " + h.wanted() + " " + h.subject() + ": " + h.reason());
      }
    }
    held.keySet()
        .removeIf(
            k -> {
              if (now.containsKey(k)) {
                return false;
              }
              out.accept("no longer held back: " + k.wanted() + " " + k.subject());
              return true;
            });
  }

  @Override
  public void onOutcome(ActionOutcome o) {
    out.accept(
        o.action().type() + " " + o.action().node() + ": " + o.result() + " (" + o.detail() + ")");
  }
}
