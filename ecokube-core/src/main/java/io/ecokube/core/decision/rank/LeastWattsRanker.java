package io.ecokube.core.decision.rank;

import io.ecokube.core.policy.GreenPreference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The default: cheapest to keep on first, where cost is idle watts per allocatable CPU core. CPU is
 * what every pod requests and what a server's power tracks, while memory, GPUs and pod slots are
 * checked by fit rather than priced. A green node ({@link GreenPreference}) is ranked at its cost
 * times the green weight; among candidates of equal ranked cost (to 0.01 W per core) green nodes
 * come first, then the node off longest (wear-levelling), then by name.
 */
public final class LeastWattsRanker implements WakeRanker {

  /** The name: {@value}. */
  public static final String NAME = "least-watts";

  /** Creates the ranker. */
  public LeastWattsRanker() {}

  @Override
  public String name() {
    return NAME;
  }

  /** Least-watts order; the other built-in rankers break their ties with it. */
  static Comparator<WakeCandidate> order(GreenPreference green) {
    return Comparator.comparingLong((WakeCandidate c) -> Math.round(rankCost(c, green) * 100))
        .thenComparing(c -> !green.isGreen(c.node()))
        .thenComparing(WakeCandidate::offSince)
        .thenComparing(c -> c.node().name());
  }

  /** The cost a candidate is ranked by: a green node's cost times the green weight. */
  static double rankCost(WakeCandidate c, GreenPreference green) {
    double cost = c.idleWattsPerCore();
    return green.isGreen(c.node()) ? cost * green.weight() : cost;
  }

  /** A candidate with its sort keys computed once rather than on every comparison. */
  private record Keyed(WakeCandidate c, long cost, boolean notGreen) {}

  @Override
  public List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context) {
    GreenPreference green = context.policy().green();
    List<Keyed> keyed = new ArrayList<>(candidates.size());
    for (WakeCandidate c : candidates) {
      keyed.add(new Keyed(c, Math.round(rankCost(c, green) * 100), !green.isGreen(c.node())));
    }
    keyed.sort(
        Comparator.comparingLong(Keyed::cost)
            .thenComparing(Keyed::notGreen)
            .thenComparing(k -> k.c().offSince())
            .thenComparing(k -> k.c().node().name()));
    List<WakeCandidate> out = new ArrayList<>(keyed.size());
    for (Keyed k : keyed) {
      out.add(k.c());
    }
    return out;
  }

  @Override
  public String explain(WakeCandidate c, WakeContext context) {
    GreenPreference green = context.policy().green();
    String suffix =
        green.isGreen(c.node())
            ? String.format(
                Locale.ROOT, " (green, %s: ranked at %.1f)", green.label(), rankCost(c, green))
            : "";
    return String.format(
        Locale.ROOT, "the cheapest candidate at %.1f W per core%s", c.idleWattsPerCore(), suffix);
  }
}
