package io.ecokube.api.plan;

import java.util.Objects;

/**
 * One thing the engine decided to do, and why.
 *
 * @param node the node
 * @param type what to do
 * @param reason why, in words a person understands: {@code 3 pending pods (requests 6 CPU) do not
 *     fit on active nodes; worker-2 is the cheapest at 12.0 W per core}
 */
public record PlannedAction(String node, ActionType type, String reason) {
  /** Validates. */
  public PlannedAction {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException("every planned action needs a reason");
    }
  }
}
