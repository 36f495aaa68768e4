package io.ecokube.api.state;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the engine remembers about a node between reconcile steps, and persists so that a restarted
 * engine resumes where it stopped.
 *
 * @param state the lifecycle state
 * @param since when it entered that state
 * @param powerOns when it was powered on recently (for the per-node cycle limit); oldest first
 * @param lastPoweredOff when it was last powered off, for wear-levelling and max-off duration
 * @param attempts failed attempts at the current action (boot or shutdown); resets on success
 * @param driverIndex the driver in the chain that the current action uses
 * @param lastError the last failure, for reports; never contains secrets
 */
public record NodeRecord(
    NodeLifecycle state,
    Instant since,
    List<Instant> powerOns,
    Optional<Instant> lastPoweredOff,
    int attempts,
    int driverIndex,
    Optional<String> lastError) {

  /** Validates and copies. */
  public NodeRecord {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(since, "since");
    powerOns = List.copyOf(Objects.requireNonNull(powerOns, "powerOns"));
    Objects.requireNonNull(lastPoweredOff, "lastPoweredOff");
    Objects.requireNonNull(lastError, "lastError");
    if (attempts < 0 || driverIndex < 0) {
      throw new IllegalArgumentException("attempts and driverIndex must be >= 0");
    }
  }

  /** A node seen for the first time, in the given state. */
  public static NodeRecord initial(NodeLifecycle state, Instant at) {
    return new NodeRecord(state, at, List.of(), Optional.empty(), 0, 0, Optional.empty());
  }
}
