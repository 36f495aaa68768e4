package io.ecokube.api.demand;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import java.util.Objects;

/**
 * How many pods a workload wants, and what each needs. The engine places the pods that do not exist
 * yet, so a backlog wakes a node before any pod is even created.
 *
 * @param workload the workload
 * @param replicas the desired number of pods, >= 0
 * @param podTemplate what each pod needs from a node
 * @param priority the pods' priority (budget policies exempt high priorities)
 * @param reason why this many, for the decision's explanation: {@code lag 420 / threshold 10 -> 42,
 *     capped at 10 partitions}
 */
public record WorkloadDemand(
    WorkloadRef workload,
    int replicas,
    SchedulingRequirements podTemplate,
    int priority,
    String reason) {
  /** Validates. */
  public WorkloadDemand {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(podTemplate, "podTemplate");
    Objects.requireNonNull(reason, "reason");
    if (replicas < 0) {
      throw new IllegalArgumentException(workload + ": replicas must be >= 0, got " + replicas);
    }
  }
}
