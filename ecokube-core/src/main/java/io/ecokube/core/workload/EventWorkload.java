package io.ecokube.core.workload;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import java.util.Objects;

/**
 * A workload that explicit scale events size (the event-driven worker pattern): events name it by
 * {@link WorkloadRef#name()}.
 *
 * @param workload the workload
 * @param podTemplate what each pod needs
 * @param priority the pods' priority
 * @param maxPods the most pods events may ask for, > 0
 */
public record EventWorkload(
    WorkloadRef workload, SchedulingRequirements podTemplate, int priority, int maxPods) {
  /** Validates. */
  public EventWorkload {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(podTemplate, "podTemplate");
    if (maxPods <= 0) {
      throw new IllegalArgumentException(
          "event workload " + workload + ": maxPods must be > 0, got " + maxPods);
    }
  }
}
