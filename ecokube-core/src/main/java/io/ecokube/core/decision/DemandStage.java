package io.ecokube.core.decision;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 1, demand: what has to be placed. The unscheduled pods of the snapshot, grouped by what
 * they need, their priority and their deferrable owner; the pods that desired workloads still miss
 * (replicas minus their active pods); and the forecast pods of expected workloads beyond both. With
 * a cost budget, demand exempt from it comes first, so that a node woken for it is not filled by
 * demand the budget would have held back.
 */
final class DemandStage {

  /**
   * What the stage reads.
   *
   * @param in the decision input
   * @param activeOf active pods per desired or expected workload (every one of them is a key)
   */
  record Input(DecisionInput in, Map<WorkloadRef, Integer> activeOf) {
    Input {
      Objects.requireNonNull(in, "in");
      activeOf = Map.copyOf(Objects.requireNonNull(activeOf, "activeOf"));
    }
  }

  /**
   * What the stage gives the fit stage.
   *
   * @param groups the demand in placement order
   */
  record Output(List<PodGroup> groups) {
    Output {
      groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
    }
  }

  /** Pending pods are grouped by what they need, their priority and their deferrable owner. */
  private record PendingKey(
      SchedulingRequirements req, int priority, Optional<WorkloadRef> owner) {}

  private DemandStage() {}

  static Output run(Input input) {
    DecisionInput in = input.in();
    Map<PendingKey, int[]> pending = new LinkedHashMap<>();
    Map<PendingKey, String> firstPod = new HashMap<>();
    Map<WorkloadRef, DeferralPolicy> deferrable = in.policy().carbon().deferrable();
    for (PodInfo p : in.snapshot().unscheduledPods()) {
      PendingKey key =
          new PendingKey(p.scheduling(), p.priority(), p.owner().filter(deferrable::containsKey));
      int[] count = pending.get(key);
      if (count == null) {
        count = new int[1];
        pending.put(key, count);
        firstPod.put(key, p.key());
      }
      count[0]++;
    }
    List<PodGroup> groups = new ArrayList<>();
    for (Map.Entry<PendingKey, int[]> e : pending.entrySet()) {
      PendingKey k = e.getKey();
      int c = e.getValue()[0];
      String first = firstPod.get(k);
      String what = c > 1 ? c + " pending pods like " + first : "pending pod " + first;
      groups.add(new PodGroup(k.req(), what, false, c, k.priority(), k.owner()));
    }
    List<WorkloadDemand> desired = in.demand().desired();
    Map<WorkloadRef, Integer> desiredReplicas = new HashMap<>();
    for (WorkloadDemand d : desired) {
      desiredReplicas.merge(d.workload(), d.replicas(), Math::max);
    }
    for (WorkloadDemand d : desired) {
      int missing = d.replicas() - input.activeOf().get(d.workload());
      if (missing > 0) {
        groups.add(
            new PodGroup(
                d.podTemplate(),
                missing + " missing pods of " + d.workload() + " (" + d.reason() + ")",
                false,
                missing,
                d.priority(),
                Optional.of(d.workload())));
      }
    }
    for (WorkloadDemand d : in.demand().expected()) {
      int have =
          Math.max(
              input.activeOf().get(d.workload()), desiredReplicas.getOrDefault(d.workload(), 0));
      int extra = d.replicas() - have;
      if (extra > 0) {
        groups.add(
            new PodGroup(
                d.podTemplate(),
                extra + " forecast pods of " + d.workload() + " (" + d.reason() + ")",
                true,
                extra,
                d.priority(),
                Optional.of(d.workload())));
      }
    }
    CostBudget budget = in.policy().budget();
    if (budget.enabled()) {
      groups.sort(Comparator.comparing((PodGroup g) -> !budget.exempt(g.priority)));
    }
    return new Output(groups);
  }
}
