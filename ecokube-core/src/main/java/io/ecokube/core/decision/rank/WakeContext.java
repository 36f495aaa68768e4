package io.ecokube.core.decision.rank;

import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link WakeRanker} may look at besides the candidates.
 *
 * @param now the instant of the decision
 * @param policy the engine policy (its {@link EnginePolicy#green()} preference among others)
 * @param tariff price and grid carbon intensity by hour
 * @param pending the pods waiting for a wake, in placement order; empty when nodes are woken for a
 *     warm reserve or after too long off
 */
public record WakeContext(
    Instant now, EnginePolicy policy, Tariff tariff, List<PendingPods> pending) {
  /** Validates and copies. */
  public WakeContext {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(tariff, "tariff");
    pending = List.copyOf(Objects.requireNonNull(pending, "pending"));
  }
}
