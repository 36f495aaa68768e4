package io.ecokube.replay;

import io.ecokube.replay.bound.ClairvoyantBound;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.policy.ReplayPolicy;
import io.ecokube.replay.report.TextTable;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import io.ecokube.replay.sim.Replay;
import io.ecokube.replay.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep: every parametrised policy over a range of its knob (idle timeout, autoscaler unneeded
 * time, Eco-Kube's idle grace and warm reserve), replayed in parallel with always-on and the
 * clairvoyant bound, and each family's Pareto frontier of (kWh, p95 wait): the settings that no
 * other setting of the same family beats on both. A policy is a curve, not a point; comparing
 * single defaults says little.
 */
final class Sweep {
  private Sweep() {}

  /** One setting of a family. */
  record Variant(String family, String knob, ReplayPolicy policy) {}

  /** The settings swept, family by family. */
  static List<Variant> variants() {
    List<Variant> v = new ArrayList<>();
    for (int m : new int[] {0, 1, 2, 5, 10, 20, 30}) {
      Duration d = Duration.ofMinutes(m);
      v.add(new Variant("idle-timeout", "idle " + m + "m", PolicyCatalog.idleTimeout(d)));
    }
    for (int m : new int[] {1, 2, 5, 10, 20, 30}) {
      Duration d = Duration.ofMinutes(m);
      v.add(new Variant("autoscaler", "unneeded " + m + "m", PolicyCatalog.autoscaler(d)));
    }
    for (int m : new int[] {1, 3, 7, 15, 30}) {
      Duration d = Duration.ofMinutes(m);
      v.add(new Variant("eco-kube grace", "grace " + m + "m", PolicyCatalog.ecoGrace(d)));
    }
    for (int w : new int[] {0, 1, 2, 4}) {
      v.add(new Variant("eco-kube reserve", "reserve " + w, PolicyCatalog.ecoReserve(w)));
    }
    return v;
  }

  /**
   * Runs the sweep and renders its table.
   *
   * @param replay the replay (its parallelism spreads the settings over the cores)
   * @param cluster the cluster (for always-on)
   * @param trace the trace
   * @param horizon the horizon
   * @param progress receives progress
   */
  static String run(
      Replay replay,
      ReplayCluster cluster,
      Trace trace,
      Duration horizon,
      Replay.Progress progress) {
    List<Variant> variants = variants();
    List<ReplayPolicy> policies = new ArrayList<>();
    policies.add(PolicyCatalog.policy("always-on", cluster.nodes()));
    variants.forEach(v -> policies.add(v.policy()));
    Comparison c = replay.run(trace, policies, true, horizon, progress);
    return render(c, variants, horizon);
  }

  /** The table of a sweep's comparison: results after always-on are the variants, in order. */
  static String render(Comparison c, List<Variant> variants, Duration horizon) {
    double onKwh = c.alwaysOnJoules() / 3.6e6;
    double boundKwh = c.bound().map(ClairvoyantBound.Result::kWh).orElse(Double.NaN);
    double days = horizon.toMillis() / 86_400_000.0;
    Map<String, List<double[]>> byFamily = new LinkedHashMap<>();
    Map<String, List<String>> knobs = new LinkedHashMap<>();
    for (int i = 0; i < variants.size(); i++) {
      PolicyResult r = c.results().get(i + 1);
      Variant v = variants.get(i);
      byFamily
          .computeIfAbsent(v.family(), f -> new ArrayList<>())
          .add(
              new double[] {
                r.kWh(), r.waitPercentile(95), r.waitPercentile(99), r.meanCycles() / days
              });
      knobs.computeIfAbsent(v.family(), f -> new ArrayList<>()).add(v.knob());
    }
    StringBuilder b = new StringBuilder();
    b.append("trace: ").append(c.source()).append('\n');
    b.append("cluster: ").append(c.cluster().describe()).append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "sweep over %s: always-on %s kWh, clairvoyant bound %s kWh;"
                + " * = on its family's frontier of (kWh, p95 wait)%n%n",
            TextTable.duration(horizon.toMillis() / 1000.0),
            TextTable.fourDigits(onKwh),
            TextTable.fourDigits(boundKwh)));
    b.append(
        String.format(
            Locale.ROOT,
            "%-18s %-14s %10s %9s %9s %16s %15s%n",
            "family",
            "setting",
            "kWh",
            "wait p95",
            "wait p99",
            "cycles/node/day",
            "bound's savings"));
    for (Map.Entry<String, List<double[]>> e : byFamily.entrySet()) {
      List<double[]> pts = e.getValue();
      boolean[] front = frontier(pts);
      for (int i = 0; i < pts.size(); i++) {
        double[] p = pts.get(i);
        double share = 100 * (onKwh - p[0]) / (onKwh - boundKwh);
        b.append(
            String.format(
                Locale.ROOT,
                "%-18s %-14s %10s %9s %9s %16.1f %14.1f%%%n",
                e.getKey(),
                knobs.get(e.getKey()).get(i) + (front[i] ? " *" : ""),
                TextTable.fourDigits(p[0]),
                TextTable.duration(p[1]),
                TextTable.duration(p[2]),
                p[3],
                share));
      }
    }
    for (String n : c.notes()) {
      b.append("note: ").append(n).append('\n');
    }
    return b.toString();
  }

  /**
   * Which points no other point dominates: another with no more kWh and no longer p95 wait, and
   * less of one of them. Points are {kWh, p95, ...}.
   */
  static boolean[] frontier(List<double[]> pts) {
    boolean[] on = new boolean[pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      double[] a = pts.get(i);
      on[i] = true;
      for (double[] o : pts) {
        if (o[0] <= a[0] && o[1] <= a[1] && (o[0] < a[0] || o[1] < a[1])) {
          on[i] = false;
          break;
        }
      }
    }
    return on;
  }
}
