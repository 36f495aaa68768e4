package io.ecokube.sim;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import java.time.Duration;
import java.util.Objects;

/**
 * A queue and the worker pods that drain it, scaled on the queue's backlog the way KEDA scales a
 * Deployment on Kafka lag: {@code ceil(lag / lagThreshold)} workers within {@code [minReplicas,
 * maxReplicas]}, scaled up at once, and back to {@code minReplicas} only after the backlog has been
 * empty for {@code cooldown}. Each running worker processes one job at a time.
 *
 * @param name the queue's name, which jobs refer to
 * @param workload the worker Deployment
 * @param podTemplate what each worker pod needs from a node
 * @param lagThreshold jobs per worker, >= 1
 * @param minReplicas workers when idle, >= 0
 * @param maxReplicas most workers, >= max(1, minReplicas)
 * @param cooldown how long the backlog must be empty before scaling to {@code minReplicas}
 */
public record QueueWorkload(
    String name,
    WorkloadRef workload,
    SchedulingRequirements podTemplate,
    int lagThreshold,
    int minReplicas,
    int maxReplicas,
    Duration cooldown) {
  /** Validates. */
  public QueueWorkload {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(podTemplate, "podTemplate");
    Objects.requireNonNull(cooldown, "cooldown");
    if (lagThreshold < 1) {
      throw new IllegalArgumentException(name + ": lagThreshold must be >= 1");
    }
    if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
      throw new IllegalArgumentException(
          name + ": need 0 <= minReplicas <= maxReplicas and maxReplicas >= 1");
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException(name + ": cooldown must not be negative");
    }
  }

  /** The workers wanted for a backlog, before the cooldown rule. */
  public int replicasFor(long lag) {
    if (lag <= 0) {
      return minReplicas;
    }
    long wanted = (lag + lagThreshold - 1) / lagThreshold;
    return (int) Math.max(minReplicas, Math.min(maxReplicas, wanted));
  }
}
