package io.ecokube.core.policy;

import io.ecokube.api.cluster.WorkloadRef;
import java.util.Map;
import java.util.Objects;

/**
 * Carbon-aware deferral. Demand of a workload listed in {@code deferrable} that would need a node
 * to be woken waits instead when the tariff forecasts, at a clock hour that starts before the
 * workload's deadline (less the longest boot time of the candidates), a grid intensity at least
 * {@code minReductionPercent} % lower than now. Demand that fits on nodes already on is never
 * deferred.
 *
 * @param minReductionPercent how much lower a later hour's intensity must be, in (0, 100]
 * @param deferrable the workloads that may wait, and how long
 */
public record CarbonPolicy(
    double minReductionPercent, Map<WorkloadRef, DeferralPolicy> deferrable) {
  /** The default reduction that makes waiting worthwhile: 20 %. */
  public static final double DEFAULT_MIN_REDUCTION_PERCENT = 20;

  /** Validates and copies. */
  public CarbonPolicy {
    deferrable = Map.copyOf(Objects.requireNonNull(deferrable, "deferrable"));
    if (!(minReductionPercent > 0 && minReductionPercent <= 100)) {
      throw new IllegalArgumentException(
          "minReductionPercent must be in (0, 100], got " + minReductionPercent);
    }
  }

  /** Nothing deferrable, 20 % threshold. */
  public static CarbonPolicy none() {
    return new CarbonPolicy(DEFAULT_MIN_REDUCTION_PERCENT, Map.of());
  }
}
