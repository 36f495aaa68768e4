package io.ecokube.core.workload;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.demand.WorkloadDemand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns explicit scale events into desired pods for the engine's Demand stage: {@code scale_up}
 * adds {@code podCount} pods to the named workload (up to its {@code maxPods}), {@code scale_down}
 * removes them (not below zero). An event for a workload that is not configured is {@linkplain
 * Acceptance#REJECTED rejected}, so the consumer dead-letters it. Never blocks; thread-safe. Wrap
 * it in a deduplicating handler (ecokube-kafka's {@code DeduplicatingScaleEventHandler}) so a
 * redelivered event is not counted twice.
 */
public final class ScaleEventDemand implements ScaleEventHandler {
  private final Map<String, EventWorkload> workloads = new LinkedHashMap<>();
  private final Map<String, Integer> pods = new LinkedHashMap<>();
  private final Map<String, String> lastChange = new LinkedHashMap<>();

  /** Workloads that events may size; names must be unique. */
  public ScaleEventDemand(List<EventWorkload> configured) {
    for (EventWorkload w : Objects.requireNonNull(configured, "configured")) {
      if (workloads.put(w.workload().name(), w) != null) {
        throw new IllegalArgumentException(
            "two event workloads are named "
                + w.workload().name()
                + "; events could not tell them apart");
      }
      pods.put(w.workload().name(), 0);
    }
  }

  @Override
  public synchronized Acceptance accept(ScaleEvent event) {
    EventWorkload w = workloads.get(event.workload());
    if (w == null) {
      return Acceptance.REJECTED;
    }
    int before = pods.get(event.workload());
    int after =
        event.type() == ScaleEvent.Type.SCALE_UP
            ? (int) Math.min(w.maxPods(), (long) before + event.podCount())
            : Math.max(0, before - event.podCount());
    pods.put(event.workload(), after);
    lastChange.put(
        event.workload(),
        (event.type() == ScaleEvent.Type.SCALE_UP ? "scale_up +" : "scale_down -")
            + event.podCount()
            + " (task "
            + event.taskId()
            + "): "
            + before
            + " -> "
            + after
            + " pods"
            + (event.type() == ScaleEvent.Type.SCALE_UP && after == w.maxPods()
                ? ", capped at maxPods " + w.maxPods()
                : ""));
    return Acceptance.ACCEPTED;
  }

  /** The pods each configured workload wants now, with the last event that changed it. */
  public synchronized List<WorkloadDemand> desired() {
    List<WorkloadDemand> out = new ArrayList<>();
    for (EventWorkload w : workloads.values()) {
      String name = w.workload().name();
      out.add(
          new WorkloadDemand(
              w.workload(),
              pods.get(name),
              w.podTemplate(),
              w.priority(),
              lastChange.getOrDefault(name, "no scale event yet")));
    }
    return out;
  }
}
