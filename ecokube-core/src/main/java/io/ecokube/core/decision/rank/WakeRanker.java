package io.ecokube.core.decision.rank;

import java.util.List;

/**
 * The order in which OFF nodes are woken when demand does not fit on the nodes that are on, like
 * Cluster Autoscaler's expanders. The fit stage walks the ranked list and wakes the first nodes the
 * demand fits on that the power caps, rate limits and budget allow. The same order is used for
 * wakes for a pool's warm reserve and after too long off.
 *
 * <p>Chosen by name with {@code EnginePolicy.Builder#wakeRanker(String)}; built in: {@value
 * LeastWattsRanker#NAME} (the default), {@value GreenestRanker#NAME}, {@value
 * LeastWasteRanker#NAME}, {@value PriorityRanker#NAME}. Others come from a {@link
 * WakeRankerProvider} on the class path. Implementations are pure functions of their arguments and
 * safe to call from several threads.
 */
public interface WakeRanker {

  /** The name the policy picks this ranker by. */
  String name();

  /**
   * Orders the candidates, best first. Returns every candidate exactly once (the same instances);
   * the same arguments must always give the same order, so plans stay reproducible.
   */
  List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context);

  /**
   * Why the candidate was picked, as the end of a wake's reason after "... takes 3 of them and is":
   * for example {@code the cheapest candidate at 12.0 W per core}.
   */
  String explain(WakeCandidate candidate, WakeContext context);
}
