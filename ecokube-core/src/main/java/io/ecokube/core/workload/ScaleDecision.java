package io.ecokube.core.workload;

import io.ecokube.api.cluster.WorkloadRef;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the backlog autoscaler decided for one workload at one instant.
 *
 * @param workload the workload
 * @param at when
 * @param replicas the replicas it should have now, >= 0
 * @param previousReplicas the replicas decided before, >= 0
 * @param active whether the backlog is above the activation threshold
 * @param staleReason why the backlog could not be trusted; then replicas never go down
 * @param reason the arithmetic, for the decision's explanation
 */
public record ScaleDecision(
    WorkloadRef workload,
    Instant at,
    int replicas,
    int previousReplicas,
    boolean active,
    Optional<String> staleReason,
    String reason) {
  /** Validates. */
  public ScaleDecision {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(staleReason, "staleReason");
    Objects.requireNonNull(reason, "reason");
    if (replicas < 0 || previousReplicas < 0) {
      throw new IllegalArgumentException(workload + ": replicas must be >= 0");
    }
  }

  /** Whether the backlog data behind this decision was stale. */
  public boolean stale() {
    return staleReason.isPresent();
  }
}
