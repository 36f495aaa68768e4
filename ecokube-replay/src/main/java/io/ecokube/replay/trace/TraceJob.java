package io.ecokube.replay.trace;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One job of a workload trace.
 *
 * @param id the trace's job id, or the line number when the format has none
 * @param submit when it was submitted, from the start of the trace
 * @param runtime how long it runs, positive
 * @param cores how many cores it uses, positive
 * @param memoryMb memory it uses, when the trace says
 */
public record TraceJob(
    String id, Duration submit, Duration runtime, int cores, OptionalLong memoryMb) {
  /** Validates. */
  public TraceJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(submit, "submit");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(memoryMb, "memoryMb");
    if (submit.isNegative()) {
      throw new IllegalArgumentException("submit time must not be negative");
    }
    if (runtime.isNegative() || runtime.isZero()) {
      throw new IllegalArgumentException("runtime must be positive");
    }
    if (cores < 1) {
      throw new IllegalArgumentException("cores must be at least 1");
    }
  }
}
