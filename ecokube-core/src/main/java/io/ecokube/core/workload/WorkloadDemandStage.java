package io.ecokube.core.workload;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.time.Clock;
import io.ecokube.core.prewake.PreWake;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns backlog readings into the engine's {@link Demand}: one {@link BacklogAutoscaler} per
 * workload, each contributing a {@link WorkloadDemand} (its desired pods with their requests, so a
 * backlog wakes a node before any pod exists). When any workload's backlog is stale the demand is
 * stale, which stops the engine from scaling down. {@link #apply(WorkloadScaler)} carries the
 * replica counts out through the actuator, separately, so the decision never waits on I/O.
 * Thread-safe.
 */
public final class WorkloadDemandStage {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadDemandStage.class);

  private final Clock clock;
  private final List<BacklogAutoscaler> autoscalers = new ArrayList<>();
  private final Map<WorkloadRef, Integer> applied = new HashMap<>();
  private final Map<WorkloadRef, PreWake> preWakes = new HashMap<>();
  private List<ScaleDecision> lastDecisions = List.of();

  /** One autoscaler per policy; each workload may appear once. */
  public WorkloadDemandStage(List<LagScalingPolicy> policies, Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Set<WorkloadRef> seen = new HashSet<>();
    for (LagScalingPolicy p : Objects.requireNonNull(policies, "policies")) {
      if (!seen.add(p.workload())) {
        throw new IllegalArgumentException(
            "workload " + p.workload() + " has two scaling policies; give each workload one");
      }
      autoscalers.add(new BacklogAutoscaler(p, clock));
    }
  }

  /**
   * Forecasts a workload's replicas so the engine wakes nodes before its backlog arrives: every
   * {@link #update} records the replicas the backlog asks for into {@code preWake} (which should
   * aggregate by {@link io.ecokube.core.prewake.PreWakeSettings.Aggregation#MAX}) and adds the
   * forecast pods beyond the current replicas to {@link Demand#expected()}. A forecast that fails
   * or is unsure adds nothing, so the workload falls back to reacting to its backlog.
   *
   * @throws IllegalArgumentException when the workload has no scaling policy here
   */
  public synchronized WorkloadDemandStage preWake(WorkloadRef workload, PreWake preWake) {
    Objects.requireNonNull(preWake, "preWake");
    if (autoscalers.stream().noneMatch(a -> a.policy().workload().equals(workload))) {
      throw new IllegalArgumentException(
          "pre-wake for " + workload + ", which has no scaling policy; add its policy first");
    }
    preWakes.put(workload, preWake);
    return this;
  }

  /** Decides every workload from this poll's readings and returns the demand. */
  public synchronized Demand update(List<BacklogReading> readings) {
    List<WorkloadDemand> expected = new ArrayList<>();
    List<WorkloadDemand> desired = new ArrayList<>();
    List<ScaleDecision> decisions = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (BacklogAutoscaler a : autoscalers) {
      ScaleDecision d = a.decide(readings);
      decisions.add(d);
      WorkloadDemand now = a.demand(d);
      desired.add(now);
      PreWake forecast = preWakes.get(d.workload());
      if (forecast != null && d.staleReason().isEmpty()) {
        forecast.record(d.replicas());
        // The engine counts the workload's own pods against these replicas itself.
        expected.addAll(forecast.expected(d.workload(), now.podTemplate(), 0));
      }
      d.staleReason().ifPresent(r -> stale.add(d.workload() + ": " + r));
      if (d.replicas() != d.previousReplicas()) {
        LOG.info(
            "{}: {} -> {} replicas ({})",
            d.workload(),
            d.previousReplicas(),
            d.replicas(),
            d.reason());
      }
    }
    lastDecisions = List.copyOf(decisions);
    return new Demand(
        clock.now(),
        desired,
        expected,
        stale.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", stale)));
  }

  /** The decisions of the last {@link #update}. */
  public synchronized List<ScaleDecision> lastDecisions() {
    return lastDecisions;
  }

  /**
   * Sets each workload's replicas through the actuator where they differ from what was last set. A
   * failure is logged and retried on the next call.
   *
   * @return the workloads that failed, with the actuator's message
   */
  public List<String> apply(WorkloadScaler scaler) {
    List<ScaleDecision> decisions;
    synchronized (this) {
      decisions = lastDecisions;
    }
    List<String> failures = new ArrayList<>();
    for (ScaleDecision d : decisions) {
      Integer done;
      synchronized (this) {
        done = applied.get(d.workload());
      }
      if (done != null && done == d.replicas()) {
        continue;
      }
      try {
        scaler.scale(d.workload(), d.replicas());
        synchronized (this) {
          applied.put(d.workload(), d.replicas());
        }
      } catch (ActuatorException | RuntimeException e) {
        LOG.warn("could not scale {} to {}: {}", d.workload(), d.replicas(), e.getMessage());
        failures.add(d.workload() + ": " + e.getMessage());
      }
    }
    return failures;
  }
}
