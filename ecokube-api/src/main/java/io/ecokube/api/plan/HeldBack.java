package io.ecokube.api.plan;

import java.util.Objects;

/**
 * Something the engine would have done but did not, and why: a wake blocked by the power cap or the
 * budget, a power-off refused by the guard.
 *
 * @param subject the node, pool or workload concerned
 * @param wanted what was wanted
 * @param reason what held it back
 */
public record HeldBack(String subject, ActionType wanted, String reason) {
  /** Validates. */
  public HeldBack {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(wanted, "wanted");
    Objects.requireNonNull(reason, "reason");
  }
}
