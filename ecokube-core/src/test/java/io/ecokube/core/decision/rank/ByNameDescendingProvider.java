package io.ecokube.core.decision.rank;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A user's ranker, found through ServiceLoader: wakes nodes in reverse name order. */
public final class ByNameDescendingProvider implements WakeRankerProvider {

  /** The name the test policy picks. */
  public static final String NAME = "test-by-name-descending";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public WakeRanker create() {
    return new WakeRanker() {
      @Override
      public String name() {
        return NAME;
      }

      @Override
      public List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context) {
        List<WakeCandidate> out = new ArrayList<>(candidates);
        out.sort(Comparator.comparing((WakeCandidate c) -> c.node().name()).reversed());
        return out;
      }

      @Override
      public String explain(WakeCandidate candidate, WakeContext context) {
        return "last by name";
      }
    };
  }
}
