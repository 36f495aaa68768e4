package io.ecokube.core.decision.rank;

import io.ecokube.api.cluster.SchedulingRequirements;
import java.util.Objects;

/**
 * Identical pods that wait for a node to be woken.
 *
 * @param requirements what each pod needs
 * @param count how many pods, at least 1
 */
public record PendingPods(SchedulingRequirements requirements, int count) {
  /** Validates. */
  public PendingPods {
    Objects.requireNonNull(requirements, "requirements");
    if (count < 1) {
      throw new IllegalArgumentException("pending pod count must be >= 1, got " + count);
    }
  }
}
