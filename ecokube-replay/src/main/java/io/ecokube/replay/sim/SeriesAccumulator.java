package io.ecokube.replay.sim;

import java.time.Duration;

/**
 * Sums a replay's power, nodes on and backlog over time into equal intervals, from the
 * piecewise-constant values between events, and turns the sums into a {@link Series} of averages.
 * Times are milliseconds since the replay's start; nothing past the horizon is kept.
 */
final class SeriesAccumulator {
  private final long endMs;
  private final long stepMs;
  private final double[] wattSum;
  private final double[] onSum;
  private final double[] backlogSum;

  SeriesAccumulator(long endMs, long stepMs) {
    this.endMs = endMs;
    this.stepMs = stepMs;
    int buckets = (int) Math.max(1, (endMs + stepMs - 1) / stepMs);
    wattSum = new double[buckets];
    onSum = new double[buckets];
    backlogSum = new double[buckets];
  }

  /** Adds {@code [from, to)} during which the values held. */
  void add(long from, long to, double watts, int nodesOn, int backlog) {
    if (to <= from) {
      return;
    }
    int b = (int) (from / stepMs);
    long t = from;
    while (t < to && b < wattSum.length) {
      long end = Math.min(to, (b + 1) * stepMs);
      double dt = (end - t) / 1000.0;
      wattSum[b] += watts * dt;
      onSum[b] += nodesOn * dt;
      backlogSum[b] += backlog * dt;
      t = end;
      b++;
    }
  }

  /** The averages per interval; the last interval may be shorter than a step. */
  Series series() {
    int buckets = wattSum.length;
    double[] watts = new double[buckets];
    double[] on = new double[buckets];
    double[] backlog = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      double len = Math.min(stepMs, endMs - (long) b * stepMs) / 1000.0;
      watts[b] = wattSum[b] / len;
      on[b] = onSum[b] / len;
      backlog[b] = backlogSum[b] / len;
    }
    return new Series(Duration.ofMillis(stepMs), watts, on, backlog);
  }
}
