package io.ecokube.api.cluster;

import java.util.Objects;

/**
 * A scalable workload: a Deployment, StatefulSet, a group of bare-metal consumers, or a task.
 *
 * @param namespace its namespace ({@code default} outside Kubernetes)
 * @param kind {@code Deployment}, {@code StatefulSet}, {@code Task}, ...
 * @param name its name
 */
public record WorkloadRef(String namespace, String kind, String name) {
  /** Validates. */
  public WorkloadRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("workload name must not be blank");
    }
  }

  /** A Deployment in a namespace. */
  public static WorkloadRef deployment(String namespace, String name) {
    return new WorkloadRef(namespace, "Deployment", name);
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "/" + name;
  }
}
