package io.ecokube.controller.api;

import java.util.Objects;

/**
 * A node as the API reports it.
 *
 * @param name the node
 * @param pool its pool
 * @param state its power lifecycle state ({@code ACTIVE}, {@code OFF}, ...)
 * @param ready whether Kubernetes reports it Ready
 * @param cordoned whether new pods are kept off it
 * @param modelWatts what the power model says it draws in this state
 */
public record NodeStatus(
    String name, String pool, String state, boolean ready, boolean cordoned, double modelWatts) {
  /** Validates. */
  public NodeStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(state, "state");
  }
}
