package io.ecokube.sim;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.Resources;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A unit of work in a simulation: it arrives, waits, then runs for its duration.
 *
 * <p>A job without a queue is a batch job: it becomes one pod with its own resource request, which
 * runs on whatever node the scheduler binds it to. A job with a queue is a message: it waits in
 * that {@link QueueWorkload}'s queue until one of the queue's worker pods takes it (the worker's
 * pod template is what asks for resources then).
 *
 * @param id unique within the simulation
 * @param arrival when it arrives
 * @param duration how long it runs once started, > 0
 * @param requests the pod's needs (batch jobs); ignored for queued jobs
 * @param queue the queue it goes to, empty for a batch job
 */
public record Job(
    String id,
    Instant arrival,
    Duration duration,
    SchedulingRequirements requests,
    Optional<String> queue) {
  /** Validates. */
  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(arrival, "arrival");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(queue, "queue");
    if (id.isBlank()) {
      throw new IllegalArgumentException("job id must not be blank");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("job " + id + ": duration must be positive");
    }
  }

  /** A batch job: one pod with these requirements. */
  public static Job batch(
      String id, Instant arrival, Duration duration, SchedulingRequirements requests) {
    return new Job(id, arrival, duration, requests, Optional.empty());
  }

  /** A message for a queue's workers. */
  public static Job queued(String id, String queue, Instant arrival, Duration duration) {
    return new Job(
        id, arrival, duration, SchedulingRequirements.of(Resources.ZERO), Optional.of(queue));
  }
}
