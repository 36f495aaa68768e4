package io.ecokube.api.plan;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one reconcile step: the actions to take, and what was considered but held back (a
 * wake over the power cap, a power-off the guard refused), each with a reason.
 *
 * @param at the instant the decision was made for
 * @param actions the actions, at most one per node
 * @param heldBack decisions not taken, for events and reports
 */
public record Plan(Instant at, List<PlannedAction> actions, List<HeldBack> heldBack) {
  /** Validates and copies. */
  public Plan {
    Objects.requireNonNull(at, "at");
    actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
    heldBack = List.copyOf(Objects.requireNonNull(heldBack, "heldBack"));
    long distinct = actions.stream().map(PlannedAction::node).distinct().count();
    if (distinct != actions.size()) {
      throw new IllegalArgumentException("a plan has at most one action per node");
    }
  }

  /** A plan that does nothing. */
  public static Plan empty(Instant at) {
    return new Plan(at, List.of(), List.of());
  }

  /** Whether the plan does nothing. */
  public boolean isEmpty() {
    return actions.isEmpty();
  }
}
