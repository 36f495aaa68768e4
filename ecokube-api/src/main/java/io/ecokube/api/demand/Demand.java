package io.ecokube.api.demand;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine must make room for, beyond the pods already in the cluster snapshot.
 *
 * @param observedAt when the demand was read
 * @param desired pods that managed workloads want now (from backlog, scale events)
 * @param expected pods that a forecast expects within the longest boot time; they may wake nodes
 *     early but never keep a node from the guard
 * @param staleReason why the demand data cannot be trusted; when present the engine never scales
 *     down (waking stays allowed)
 */
public record Demand(
    Instant observedAt,
    List<WorkloadDemand> desired,
    List<WorkloadDemand> expected,
    Optional<String> staleReason) {

  /** Validates and copies. */
  public Demand {
    Objects.requireNonNull(observedAt, "observedAt");
    desired = List.copyOf(Objects.requireNonNull(desired, "desired"));
    expected = List.copyOf(Objects.requireNonNull(expected, "expected"));
    Objects.requireNonNull(staleReason, "staleReason");
  }

  /** No demand beyond the cluster's own pods, fresh. */
  public static Demand none(Instant at) {
    return new Demand(at, List.of(), List.of(), Optional.empty());
  }

  /** Whether the demand cannot be trusted. */
  public boolean stale() {
    return staleReason.isPresent();
  }
}
