package io.ecokube.api.plan;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of a planned action.
 *
 * @param action the action
 * @param result how it ended
 * @param driver the power driver used, when one was
 * @param detail what happened, for events and logs; never contains secrets
 * @param at when it ended
 */
public record ActionOutcome(
    PlannedAction action, Result result, Optional<String> driver, String detail, Instant at) {

  /** How an action ended. */
  public enum Result {
    /** Done. */
    SUCCEEDED,
    /** Failed; the state machine decides about retries. */
    FAILED,
    /** Did not finish within its bound. */
    TIMED_OUT,
    /** Not carried out (superseded, leadership lost, dry run). */
    SKIPPED
  }

  /** Validates. */
  public ActionOutcome {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(at, "at");
  }
}
