package io.ecokube.replay.bound;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The energy a clairvoyant controller needs: one that knows every arrival in advance, on a cluster
 * of identical nodes. No real policy can use less on the same trace, so it is the yardstick the
 * replay compares policies with.
 *
 * <p>Definition. Every job starts the moment it is submitted (no waiting) and its cores are packed
 * onto as few nodes as possible, so at time t exactly {@code N(t) = min(n, ceil(cores(t) / c))}
 * nodes are on, where {@code cores(t)} is the cores of the jobs running at t, {@code c} the cores
 * of one node and {@code n} the cluster size. Node slot k (k = 1..n) is on wherever {@code N(t) >=
 * k}. Each slot is booted exactly in time (its boot ends when it is first needed, so booting causes
 * no wait) and, across a gap between two of its on-intervals, it stays on idle when the gap is
 * shorter than the node's energy break-even time and is powered off otherwise: the cheaper of the
 * two, known in advance. Energy is then
 *
 * <pre>
 *   idle x (time slots are on) + off x (time slots are off)
 *   + (transition - off) x (boot + shutdown) per off-on-off cycle
 *   + (max - idle) / c x (core-seconds of all jobs)
 * </pre>
 *
 * <p>The last term is the linear power model's dynamic energy, which is the same wherever a job
 * runs. A slot still on at the end of the trace is charged its boot but no shutdown. The bound
 * ignores memory and GPUs and assumes jobs can be split across nodes by core, which makes it lower
 * still.
 */
public final class ClairvoyantBound {
  private ClairvoyantBound() {}

  /**
   * The bound's result.
   *
   * @param joules total energy
   * @param powerCycles off-on cycles over all slots
   * @param maxCyclesPerNode the most off-on cycles of any one slot
   * @param nodeSeconds seconds slots were on, summed
   */
  public record Result(double joules, int powerCycles, int maxCyclesPerNode, double nodeSeconds) {
    /** Energy in kWh. */
    public double kWh() {
      return joules / 3.6e6;
    }
  }

  /**
   * Computes the bound.
   *
   * @param jobs the trace's jobs
   * @param nodes the cluster size
   * @param coresPerNode cores of one node
   * @param profile the nodes' power profile
   * @param horizon how long the accounting runs (at least the trace's span)
   */
  public static Result compute(
      List<TraceJob> jobs, int nodes, int coresPerNode, PowerProfile profile, Duration horizon) {
    if (nodes < 1 || coresPerNode < 1) {
      throw new IllegalArgumentException("need at least one node with at least one core");
    }
    double end = horizon.toMillis() / 1000.0;
    // Running cores as a step function: +cores at submit, -cores at submit + runtime.
    TreeMap<Double, Long> delta = new TreeMap<>();
    double coreSeconds = 0;
    for (TraceJob j : jobs) {
      double s = j.submit().toMillis() / 1000.0;
      double e = Math.min(end, s + j.runtime().toMillis() / 1000.0);
      if (s >= end) {
        continue;
      }
      delta.merge(s, (long) j.cores(), Long::sum);
      delta.merge(e, (long) -j.cores(), Long::sum);
      coreSeconds += (e - s) * j.cores();
    }
    // For each slot, its on-intervals.
    List<List<double[]>> slots = new ArrayList<>();
    for (int k = 0; k < nodes; k++) {
      slots.add(new ArrayList<>());
    }
    double[] onSince = new double[nodes];
    int current = 0;
    long cores = 0;
    for (Map.Entry<Double, Long> e : delta.entrySet()) {
      double t = e.getKey();
      cores += e.getValue();
      int needed = (int) Math.min(nodes, (cores + coresPerNode - 1) / coresPerNode);
      for (int k = current; k < needed; k++) {
        onSince[k] = t;
      }
      for (int k = needed; k < current; k++) {
        if (t > onSince[k]) {
          slots.get(k).add(new double[] {onSince[k], t});
        }
      }
      current = needed;
    }
    for (int k = 0; k < current; k++) {
      slots.get(k).add(new double[] {onSince[k], end});
    }
    double breakEven = profile.breakEven().toMillis() / 1000.0;
    double boot = profile.bootTime().toMillis() / 1000.0;
    double shutdown = profile.shutdownTime().toMillis() / 1000.0;
    double extraPerSecond = profile.transitionWatts() - profile.offWatts();
    double joules = 0;
    double onSeconds = 0;
    int cycles = 0;
    int maxCycles = 0;
    for (List<double[]> intervals : slots) {
      int before = cycles;
      double slotOn = 0;
      double prevEnd = Double.NaN;
      for (double[] iv : intervals) {
        if (!Double.isNaN(prevEnd) && iv[0] - prevEnd <= breakEven) {
          slotOn += iv[0] - prevEnd; // bridge the gap: cheaper to idle than to cycle
        } else {
          cycles++;
          joules += extraPerSecond * boot;
          if (!Double.isNaN(prevEnd)) {
            joules += extraPerSecond * shutdown;
          }
        }
        slotOn += iv[1] - iv[0];
        prevEnd = iv[1];
      }
      if (!Double.isNaN(prevEnd) && prevEnd < end) {
        joules += extraPerSecond * shutdown;
      }
      onSeconds += slotOn;
      maxCycles = Math.max(maxCycles, cycles - before);
    }
    joules += profile.idleWatts() * onSeconds + profile.offWatts() * (nodes * end - onSeconds);
    joules += (profile.maxWatts() - profile.idleWatts()) / coresPerNode * coreSeconds;
    return new Result(joules, cycles, maxCycles, onSeconds);
  }
}
