package io.ecokube.api.demand;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An explicit request to scale a workload, from an event stream (the event-driven worker pattern).
 * Kafka and Redis Streams events decode to this one type through {@link ScaleEventDecoder}.
 *
 * @param type up or down
 * @param workload the workload's name as configured
 * @param podCount how many pods to add (up) or remove (down), > 0
 * @param taskId the producer's id for this request; events are idempotent by it
 * @param attributes the producer's other fields, by name (sorted, unmodifiable); a task runner may
 *     pass them on to its pods
 */
public record ScaleEvent(
    Type type, String workload, int podCount, String taskId, Map<String, String> attributes) {

  /** The direction of a scale event. */
  public enum Type {
    /** Add pods. */
    SCALE_UP,
    /** Remove pods. */
    SCALE_DOWN
  }

  /** Validates and copies. */
  public ScaleEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(attributes, "attributes");
    if (workload.isBlank()) {
      throw new IllegalArgumentException("scale event needs a workload");
    }
    if (taskId.isBlank()) {
      throw new IllegalArgumentException("scale event needs a taskId");
    }
    if (podCount <= 0) {
      throw new IllegalArgumentException("scale event podCount must be > 0, got " + podCount);
    }
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  /** An event without extra attributes. */
  public ScaleEvent(Type type, String workload, int podCount, String taskId) {
    this(type, workload, podCount, taskId, Map.of());
  }
}
