package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Remembers since when each workload has been waiting for a node, for {@link
 * DecisionInput#waitingSince()} (the clock that carbon-aware deferral's deadline runs on). A
 * workload waits while it has an unscheduled pod or wants more replicas ({@code Demand.desired})
 * than it has pods; once it stops waiting it is forgotten, and its next wait starts afresh. Call
 * {@link #observe} once per decision, before deciding. Thread-safe.
 */
public final class WaitingTracker {
  private final Map<WorkloadRef, Instant> since = new HashMap<>();

  /**
   * Updates the record from the snapshot and demand seen at {@code now}.
   *
   * @return since when each waiting workload has been waiting
   */
  public synchronized Map<WorkloadRef, Instant> observe(
      Instant now, ClusterSnapshot snapshot, Demand demand) {
    Objects.requireNonNull(now, "now");
    Set<WorkloadRef> waiting = new HashSet<>();
    Map<WorkloadRef, Integer> pods = new HashMap<>();
    for (PodInfo p : snapshot.pods()) {
      if (p.owner().isEmpty() || !p.phase().active()) {
        continue;
      }
      pods.merge(p.owner().get(), 1, Integer::sum);
      if (p.unscheduled()) {
        waiting.add(p.owner().get());
      }
    }
    for (WorkloadDemand d : demand.desired()) {
      if (d.replicas() > pods.getOrDefault(d.workload(), 0)) {
        waiting.add(d.workload());
      }
    }
    since.keySet().retainAll(waiting);
    for (WorkloadRef w : waiting) {
      since.putIfAbsent(w, now);
    }
    return Map.copyOf(since);
  }
}
