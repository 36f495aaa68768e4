package io.ecokube.core.decision.rank;

import io.ecokube.api.node.Resources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The best fit for the waiting pods first: each candidate is filled, first-fit in placement order,
 * with the pending pods it admits, and ranked by the share of its free CPU and memory left unused
 * (the mean of the two). Candidates that take none of the pods come last; equal waste (to 0.1 %)
 * falls back to the least-watts order, which is also the whole order when nothing is pending. The
 * ranking is made once per pass over the candidates, against the demand that waits at its start.
 */
public final class LeastWasteRanker implements WakeRanker {

  /** The name: {@value}. */
  public static final String NAME = "least-waste";

  /** Creates the ranker. */
  public LeastWasteRanker() {}

  @Override
  public String name() {
    return NAME;
  }

  /** The result of filling one candidate: pods taken, and the unused shares of CPU and memory. */
  private record Fill(int pods, double cpuLeft, double memLeft) {
    double waste() {
      return pods == 0 ? Double.POSITIVE_INFINITY : (cpuLeft + memLeft) / 2;
    }
  }

  @Override
  public List<WakeCandidate> rank(List<WakeCandidate> candidates, WakeContext context) {
    Map<WakeCandidate, Long> waste = new IdentityHashMap<>();
    for (WakeCandidate c : candidates) {
      double w = fill(c, context).waste();
      waste.put(c, Double.isInfinite(w) ? Long.MAX_VALUE : Math.round(w * 1000));
    }
    List<WakeCandidate> out = new ArrayList<>(candidates);
    out.sort(
        Comparator.comparingLong((WakeCandidate c) -> waste.get(c))
            .thenComparing(LeastWattsRanker.order(context.policy().green())));
    return out;
  }

  private static Fill fill(WakeCandidate c, WakeContext context) {
    Resources free = c.free();
    long cpu = free.cpuMillis();
    long mem = free.memoryBytes();
    long gpu = free.gpus();
    long slots = free.pods();
    int taken = 0;
    for (PendingPods p : context.pending()) {
      Resources q = p.requirements().requests();
      long k = p.count();
      k = Math.min(k, fits(q.cpuMillis(), cpu));
      k = Math.min(k, fits(q.memoryBytes(), mem));
      k = Math.min(k, fits(q.gpus(), gpu));
      k = Math.min(k, fits(q.pods(), slots));
      if (k <= 0 || !p.requirements().admits(c.node())) {
        continue;
      }
      cpu -= q.cpuMillis() * k;
      mem -= q.memoryBytes() * k;
      gpu -= q.gpus() * k;
      slots -= q.pods() * k;
      taken += (int) k;
    }
    return new Fill(taken, share(cpu, free.cpuMillis()), share(mem, free.memoryBytes()));
  }

  /** How many requests of {@code each} fit in {@code free}; unbounded for a zero request. */
  private static long fits(long each, long free) {
    if (each > 0) {
      return Math.max(0, free / each);
    }
    return free < 0 ? 0 : Long.MAX_VALUE;
  }

  private static double share(long left, long total) {
    return total <= 0 ? 0 : (double) Math.max(0, left) / total;
  }

  @Override
  public String explain(WakeCandidate c, WakeContext context) {
    Fill f = fill(c, context);
    return String.format(
        Locale.ROOT,
        "the best fit of the waiting pods: %d of them would leave %.0f %% of its CPU and %.0f %% of"
            + " its memory unused (%.1f W per core)",
        f.pods(),
        100 * f.cpuLeft(),
        100 * f.memLeft(),
        c.idleWattsPerCore());
  }
}
