package io.ecokube.test.demand;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A demand source a test steers: pods waiting to run ({@link #setPending}), capacity expected soon
 * ({@link #setExpected}), scale events from a job system ({@link #accept}, duplicates by task id
 * are reported as such) and staleness ({@link #markStale}). Each {@link #get()} returns the demand
 * now, stamped with the clock's time. Thread-safe.
 */
public final class FakeDemandSource implements Supplier<Demand>, ScaleEventHandler {
  private final Clock clock;
  private final SchedulingRequirements podTemplate;
  private final Map<WorkloadRef, WorkloadDemand> desired = new LinkedHashMap<>();
  private final Map<WorkloadRef, WorkloadDemand> expected = new LinkedHashMap<>();
  private final Set<String> taskIds = new HashSet<>();
  private final List<ScaleEvent> events = new ArrayList<>();
  private Optional<String> staleReason = Optional.empty();

  /**
   * Creates a source with no demand.
   *
   * @param clock stamps each demand
   * @param podTemplate what one pod of any workload asks for
   */
  public FakeDemandSource(Clock clock, SchedulingRequirements podTemplate) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.podTemplate = Objects.requireNonNull(podTemplate, "podTemplate");
  }

  /** Sets how many pods of a workload are waiting to run (0 removes it). */
  public synchronized FakeDemandSource setPending(WorkloadRef workload, int pods) {
    put(desired, workload, pods, "pending pods");
    return this;
  }

  /** Sets how many pods of a workload a forecast expects soon (0 removes it). */
  public synchronized FakeDemandSource setExpected(WorkloadRef workload, int pods) {
    put(expected, workload, pods, "expected");
    return this;
  }

  /** Makes every later demand stale with the given reason (the source lost its feed). */
  public synchronized FakeDemandSource markStale(String reason) {
    this.staleReason = Optional.of(Objects.requireNonNull(reason, "reason"));
    return this;
  }

  /** Makes later demand fresh again. */
  public synchronized FakeDemandSource markFresh() {
    this.staleReason = Optional.empty();
    return this;
  }

  /**
   * Applies a scale event to the pending pods of its workload ({@code Deployment} in the default
   * namespace): SCALE_UP adds its pod count, SCALE_DOWN removes it (not below 0). A task id seen
   * before is a DUPLICATE and changes nothing.
   */
  @Override
  public synchronized Acceptance accept(ScaleEvent event) {
    Objects.requireNonNull(event, "event");
    if (!taskIds.add(event.taskId())) {
      return Acceptance.DUPLICATE;
    }
    events.add(event);
    WorkloadRef ref = new WorkloadRef("default", "Deployment", event.workload());
    int now = Optional.ofNullable(desired.get(ref)).map(WorkloadDemand::replicas).orElse(0);
    int next =
        event.type() == ScaleEvent.Type.SCALE_UP
            ? now + event.podCount()
            : Math.max(0, now - event.podCount());
    put(desired, ref, next, "scale event " + event.taskId());
    return Acceptance.ACCEPTED;
  }

  /** The scale events accepted so far, in order. */
  public synchronized List<ScaleEvent> acceptedEvents() {
    return List.copyOf(events);
  }

  @Override
  public synchronized Demand get() {
    return new Demand(
        clock.now(), List.copyOf(desired.values()), List.copyOf(expected.values()), staleReason);
  }

  private void put(Map<WorkloadRef, WorkloadDemand> into, WorkloadRef ref, int pods, String why) {
    Objects.requireNonNull(ref, "workload");
    if (pods < 0) {
      throw new IllegalArgumentException(ref + ": pods must be >= 0, got " + pods);
    }
    if (pods == 0) {
      into.remove(ref);
    } else {
      into.put(ref, new WorkloadDemand(ref, pods, podTemplate, 0, why));
    }
  }
}
