package io.ecokube.core.policy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Per-pool rules.
 *
 * @param minActive the guard never powers off below this many ACTIVE nodes in the pool
 * @param warmReserve keep at least this many nodes of the pool on, empty or not (woken if needed)
 * @param powerCapWatts no wake that would push the pool's projected draw above this
 * @param idleGrace how long a node must be empty before it is powered off; empty means each node's
 *     energy break-even time
 */
public record PoolPolicy(
    int minActive, int warmReserve, OptionalDouble powerCapWatts, Optional<Duration> idleGrace) {
  /** Validates. */
  public PoolPolicy {
    Objects.requireNonNull(powerCapWatts, "powerCapWatts");
    Objects.requireNonNull(idleGrace, "idleGrace");
    if (minActive < 0) {
      throw new IllegalArgumentException("minActive must be >= 0, got " + minActive);
    }
    if (warmReserve < 0) {
      throw new IllegalArgumentException("warmReserve must be >= 0, got " + warmReserve);
    }
    if (powerCapWatts.isPresent() && !(powerCapWatts.getAsDouble() > 0)) {
      throw new IllegalArgumentException("powerCapWatts must be > 0, got " + powerCapWatts);
    }
    if (idleGrace.isPresent() && idleGrace.get().isNegative()) {
      throw new IllegalArgumentException("idleGrace must not be negative, got " + idleGrace.get());
    }
  }

  /** No minimum, no reserve, no cap, break-even grace. */
  public static PoolPolicy defaults() {
    return new PoolPolicy(0, 0, OptionalDouble.empty(), Optional.empty());
  }
}
