package io.ecokube.api.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A node changed lifecycle state.
 *
 * @param node the node
 * @param from the old state
 * @param to the new state
 * @param at when
 * @param reason why, in words a person understands
 */
public record NodeTransition(
    String node, NodeLifecycle from, NodeLifecycle to, Instant at, String reason) {
  /** Validates. */
  public NodeTransition {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
  }
}
