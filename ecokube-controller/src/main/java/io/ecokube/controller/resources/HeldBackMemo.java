package io.ecokube.controller.resources;

import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Remembers what the engine's last plan held back, for the PowerCapReached and BudgetExceeded
 * conditions (a wake the cap or the budget refused shows there first). The engine tells listeners
 * only about plans that do or hold back something, so a memo older than a few periods means nothing
 * is held back any more.
 */
public final class HeldBackMemo implements EngineListener {
  private final Clock clock;
  private volatile List<HeldBack> last = List.of();
  private volatile Instant at = Instant.MIN;

  /** A memo stamped with {@code clock}. */
  public HeldBackMemo(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void onPlan(Plan plan) {
    last = List.copyOf(plan.heldBack());
    at = clock.now();
  }

  /** The last plan's held-back decisions if it came within {@code maxAge}, else none. */
  public List<HeldBack> recent(Duration maxAge) {
    Instant stamp = at;
    return stamp.isBefore(clock.now().minus(maxAge)) ? List.of() : last;
  }
}
