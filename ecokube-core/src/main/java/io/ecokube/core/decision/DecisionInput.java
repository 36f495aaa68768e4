package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.BudgetSpend;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one decision step looks at, passed in explicitly so that {@link Decider#decide} is a
 * pure function: the same input always gives the same plan.
 *
 * @param now the instant the decision is made for
 * @param snapshot the cluster: nodes and pods
 * @param demand pods wanted beyond the snapshot, and the forecast
 * @param records each node's lifecycle record; a node without one counts as {@code UNKNOWN}
 * @param policy the rules
 * @param emptySince since when each node has run no workload pod (DaemonSet and mirror pods aside);
 *     a node missing here is not idle
 * @param inFlight nodes with an action still being carried out; nothing is planned for them
 * @param recentWakes when recent wakes were started, cluster-wide (for the wake rate limit)
 * @param recentSuspends when recent drains (the start of a power-off) were started, cluster-wide
 *     (for the suspend rate limit)
 * @param tariff price and grid intensity by hour: prices wakes for the cost budget and forecasts
 *     intensity for carbon-aware deferral
 * @param spend what has been spent in the current budget windows
 * @param waitingSince since when each workload's demand has been waiting for a node (see {@link
 *     WaitingTracker}); a deferrable workload missing here is never deferred
 */
public record DecisionInput(
    Instant now,
    ClusterSnapshot snapshot,
    Demand demand,
    Map<String, NodeRecord> records,
    EnginePolicy policy,
    Map<String, Instant> emptySince,
    Set<String> inFlight,
    List<Instant> recentWakes,
    List<Instant> recentSuspends,
    Tariff tariff,
    BudgetSpend spend,
    Map<WorkloadRef, Instant> waitingSince) {

  /** Validates and copies. */
  public DecisionInput {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(demand, "demand");
    Objects.requireNonNull(policy, "policy");
    records = Map.copyOf(Objects.requireNonNull(records, "records"));
    emptySince = Map.copyOf(Objects.requireNonNull(emptySince, "emptySince"));
    inFlight = Set.copyOf(Objects.requireNonNull(inFlight, "inFlight"));
    recentWakes = List.copyOf(Objects.requireNonNull(recentWakes, "recentWakes"));
    recentSuspends = List.copyOf(Objects.requireNonNull(recentSuspends, "recentSuspends"));
    Objects.requireNonNull(tariff, "tariff");
    Objects.requireNonNull(spend, "spend");
    waitingSince = Map.copyOf(Objects.requireNonNull(waitingSince, "waitingSince"));
  }

  /** Starts a builder with the four settings every decision needs. */
  public static Builder builder(
      Instant now, ClusterSnapshot snapshot, Demand demand, EnginePolicy policy) {
    return new Builder(now, snapshot, demand, policy);
  }

  /** Builds a {@link DecisionInput}; the optional parts default to empty. */
  public static final class Builder {
    private final Instant now;
    private final ClusterSnapshot snapshot;
    private final Demand demand;
    private final EnginePolicy policy;
    // The two large maps are taken as given while they are set in one piece, so build() copies
    // them once (not at all when they are immutable already); single entries switch to a copy.
    private Map<String, NodeRecord> records = Map.of();
    private boolean recordsOwned;
    private Map<String, Instant> emptySince = Map.of();
    private boolean emptySinceOwned;
    private final Set<String> inFlight = new HashSet<>();
    private List<Instant> recentWakes = List.of();
    private List<Instant> recentSuspends = List.of();
    private Tariff tariff = FlatTariff.typicalEurope();
    private BudgetSpend spend = BudgetSpend.none();
    private final Map<WorkloadRef, Instant> waitingSince = new HashMap<>();

    private Builder(Instant now, ClusterSnapshot snapshot, Demand demand, EnginePolicy policy) {
      this.now = now;
      this.snapshot = snapshot;
      this.demand = demand;
      this.policy = policy;
    }

    /** Sets one node's record. */
    public Builder record(String node, NodeRecord record) {
      if (!recordsOwned) {
        records = new HashMap<>(records);
        recordsOwned = true;
      }
      records.put(node, record);
      return this;
    }

    /** Adds records; a map set in one piece is read when {@link #build()} copies it. */
    public Builder records(Map<String, NodeRecord> more) {
      if (records.isEmpty()) {
        records = more;
        recordsOwned = false;
      } else {
        more.forEach(this::record);
      }
      return this;
    }

    /** Records that a node has been empty of work since the given instant. */
    public Builder emptySince(String node, Instant since) {
      if (!emptySinceOwned) {
        emptySince = new HashMap<>(emptySince);
        emptySinceOwned = true;
      }
      emptySince.put(node, since);
      return this;
    }

    /**
     * Adds empty-since instants; a map set in one piece is read when {@link #build()} copies it.
     */
    public Builder emptySince(Map<String, Instant> more) {
      if (emptySince.isEmpty()) {
        emptySince = more;
        emptySinceOwned = false;
      } else {
        more.forEach(this::emptySince);
      }
      return this;
    }

    /** Marks nodes with an action in flight. */
    public Builder inFlight(Set<String> nodes) {
      inFlight.addAll(nodes);
      return this;
    }

    /** Sets when recent wakes started. */
    public Builder recentWakes(List<Instant> instants) {
      recentWakes = instants;
      return this;
    }

    /** Sets when recent drains started. */
    public Builder recentSuspends(List<Instant> instants) {
      recentSuspends = instants;
      return this;
    }

    /** Sets the tariff (default {@link FlatTariff#typicalEurope()}). */
    public Builder tariff(Tariff t) {
      tariff = t;
      return this;
    }

    /** Sets the spend of the current budget windows (default nothing spent). */
    public Builder spend(BudgetSpend s) {
      spend = s;
      return this;
    }

    /** Adds since when workloads have been waiting for a node. */
    public Builder waitingSince(Map<WorkloadRef, Instant> more) {
      waitingSince.putAll(more);
      return this;
    }

    /** Builds and validates. */
    public DecisionInput build() {
      return new DecisionInput(
          now,
          snapshot,
          demand,
          records,
          policy,
          emptySince,
          inFlight,
          recentWakes,
          recentSuspends,
          tariff,
          spend,
          waitingSince);
    }
  }
}
