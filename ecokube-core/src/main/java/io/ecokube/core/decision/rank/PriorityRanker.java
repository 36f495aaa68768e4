package io.ecokube.core.decision.rank;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Highest wake priority first, by the node label {@value #LABEL} (an integer; a node without it, or
 * with a value that is not an integer, has priority 0); equal priorities in least-watts order. Lets
 * an operator say which machines to use first (newer, cooler rack, leased rather than owned).
 */
public final class PriorityRanker implements WakeRanker {

  /** The name: {@value}. */
  public static final String NAME = "priority";

  /** The node label with the wake priority; higher wakes first. */
  public static final String LABEL = "ecokube.io/wake-priority";

  /** Creates the ranker. */
  public PriorityRanker() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context) {
    Map<WakeCandidate, Long> prio = new IdentityHashMap<>();
    for (WakeCandidate c : candidates) {
      prio.put(c, priority(c));
    }
    List<WakeCandidate> out = new ArrayList<>(candidates);
    out.sort(
        Comparator.comparingLong((WakeCandidate c) -> -prio.get(c))
            .thenComparing(LeastWattsRanker.order(context.policy().green())));
    return out;
  }

  static long priority(WakeCandidate c) {
    String v = c.node().labels().get(LABEL);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      // Not an integer: the node counts as unprioritised, like one without the label.
      return 0;
    }
  }

  @Override
  public String explain(WakeCandidate c, WakeContext context) {
    return String.format(
        Locale.ROOT,
        "the candidate of highest wake priority, %d (label %s), at %.1f W per core",
        priority(c),
        LABEL,
        c.idleWattsPerCore());
  }
}
