package io.ecokube.core.energy;

import io.ecokube.api.state.NodeLifecycle;
import java.util.Map;
import java.util.Objects;

/**
 * One node's account.
 *
 * @param node the node
 * @param joulesByState IT joules spent in each lifecycle state
 * @param actual what it drew, with cost and carbon
 * @param alwaysOn what it would have drawn had it stayed on through the same demand
 * @param seconds seconds spent in each lifecycle state
 */
public record NodeEnergy(
    String node,
    Map<NodeLifecycle, Double> joulesByState,
    EnergyTotals actual,
    EnergyTotals alwaysOn,
    Map<NodeLifecycle, Double> seconds) {
  /** Validates and copies. */
  public NodeEnergy {
    Objects.requireNonNull(node, "node");
    joulesByState = Map.copyOf(joulesByState);
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(alwaysOn, "alwaysOn");
    seconds = Map.copyOf(seconds);
  }
}
