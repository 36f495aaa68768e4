package io.ecokube.api.demand;

import java.util.Objects;

/**
 * An explicit request to scale a workload, from an event stream (the event-driven worker pattern).
 *
 * @param type up or down
 * @param workload the workload's name as configured
 * @param podCount how many pods to add (up) or remove (down), > 0
 * @param taskId the producer's id for this request; events are idempotent by it
 */
public record ScaleEvent(Type type, String workload, int podCount, String taskId) {

  /** The direction of a scale event. */
  public enum Type {
    /** Add pods. */
    SCALE_UP,
    /** Remove pods. */
    SCALE_DOWN
  }

  /** Validates. */
  public ScaleEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(taskId, "taskId");
    if (workload.isBlank()) {
      throw new IllegalArgumentException("scale event needs a workload");
    }
    if (taskId.isBlank()) {
      throw new IllegalArgumentException("scale event needs a taskId");
    }
    if (podCount <= 0) {
      throw new IllegalArgumentException("scale event podCount must be > 0, got " + podCount);
    }
  }
}
