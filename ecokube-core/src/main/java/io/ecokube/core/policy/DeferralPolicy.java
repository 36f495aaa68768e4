package io.ecokube.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a deferrable workload's demand may wait for a lower-carbon hour, counted from when it
 * started waiting for a node. The decision never lets it wait past that deadline: a wake is
 * deferred only to an hour that starts early enough for the slowest-booting candidate to be Ready
 * by then.
 *
 * @param maxDelay the longest wait, positive
 */
public record DeferralPolicy(Duration maxDelay) {
  /** Validates. */
  public DeferralPolicy {
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isNegative() || maxDelay.isZero()) {
      throw new IllegalArgumentException("maxDelay must be positive, got " + maxDelay);
    }
  }
}
