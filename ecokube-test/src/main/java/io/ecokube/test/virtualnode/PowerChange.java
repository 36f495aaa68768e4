package io.ecokube.test.virtualnode;

import io.ecokube.api.power.PowerState;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link VirtualNode} changed power state.
 *
 * @param node the node's name
 * @param from the state before
 * @param to the state after
 * @param at when, on the node's scheduler clock (virtual or real)
 */
public record PowerChange(String node, PowerState from, PowerState to, Instant at) {
  /** Validates the change. */
  public PowerChange {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(at, "at");
    if (from == to) {
      throw new IllegalArgumentException("a power change needs two different states; got " + to);
    }
  }
}
