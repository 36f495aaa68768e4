package io.ecokube.replay;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.report.TextTable;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import io.ecokube.replay.sim.Replay;
import io.ecokube.replay.trace.SyntheticTrace;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceJob;
import io.ecokube.replay.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The replay benchmark (a main, not a test): the real traces of {@code ../shared/traces} (system
 * property {@code ecokube.shared.dir}, skipped with a message when absent) and a synthetic week of
 * a 50-node cluster, every policy, with the wall time of each replay and the targets of issues 9
 * and 7.
 *
 * <pre>
 * java -Decokube.shared.dir=../shared -cp TEST_CLASSPATH io.ecokube.replay.ReplayBench
 * </pre>
 */
public final class ReplayBench {
  private ReplayBench() {}

  private static final PowerProfile SERVER =
      new PowerProfile(5, 120, 300, 200, Duration.ofSeconds(180), Duration.ofSeconds(60));

  static ReplayCluster cluster(int nodes, int cores) {
    return new ReplayCluster(
        nodes, cores, 64L * 1024 * 1024 * 1024, 110, SERVER, FlatTariff.typicalEurope());
  }

  static Comparison replay(ReplayCluster c, Trace t, Duration horizon) {
    Replay r =
        new Replay(
            c,
            Replay.dailyForecaster(),
            lead -> Replay.preWakeSettings(lead, PreWakeSettings.Estimate.UPPER, 0.4),
            Runtime.getRuntime().availableProcessors());
    return r.run(t, PolicyCatalog.KEYS, horizon, (w, f) -> {});
  }

  /** Runs the benchmark. */
  public static void main(String[] args) throws IOException {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Path shared = Path.of(System.getProperty("ecokube.shared.dir", "../shared"), "traces");
    TraceReader reader = new TraceReader(TraceReader.Options.defaults());
    Path nasa = shared.resolve("NASA-iPSC-1993-3.1-cln.swf.gz");
    if (Files.isRegularFile(nasa)) {
      Trace t = window(reader.read(nasa), Duration.ofDays(7), Duration.ofDays(7));
      report(
          "NASA iPSC/860 SWF, week 2 (days 7-14), 16 nodes x 8 cores",
          cluster(16, 8),
          t,
          Duration.ofDays(7));
    } else {
      System.out.println("SKIPPED NASA SWF: " + nasa + " not found (set -Decokube.shared.dir)");
    }
    Path azure = shared.resolve("AzureLLMInferenceTrace_conv.csv");
    if (Files.isRegularFile(azure)) {
      Trace t = reader.read(azure);
      report(
          "Azure LLM inference, 1 hour, 8 nodes x 8 cores",
          cluster(8, 8),
          t,
          Replay.defaultHorizon(t));
    } else {
      System.out.println("SKIPPED Azure LLM: " + azure + " not found (set -Decokube.shared.dir)");
    }
    ReplayCluster big = cluster(50, 8);
    Trace week =
        SyntheticTrace.generate(
            Duration.ofDays(7), 4.2 * big.totalCores() / 9, 4, 50, Duration.ofMinutes(20), 8, 1);
    report(
        "synthetic daily rhythm + bursts, 1 week, 50 nodes x 8 cores (seed 1)",
        big,
        week,
        Duration.ofDays(7));
  }

  private static void report(String title, ReplayCluster c, Trace t, Duration horizon) {
    long t0 = System.nanoTime();
    Comparison r = replay(c, t, horizon);
    double wall = (System.nanoTime() - t0) / 1e9;
    System.out.println("=== " + title);
    System.out.print(TextTable.render(r));
    System.out.printf(Locale.ROOT, "all policies replayed in %.1f s wall%n", wall);
    PolicyResult eco = r.result("eco-default").orElseThrow();
    PolicyResult reactive = r.result("reactive").orElseThrow();
    PolicyResult predictive = r.result("eco-predictive").orElseThrow();
    System.out.printf(
        Locale.ROOT,
        "issue 9 targets: eco-default at %.1f %% of the bound (<= 115); p95 %.0f s vs reactive"
            + " %.0f s (no worse); mean cycles/node %.1f vs reactive %.1f (ratio %.2f <= 0.33)%n",
        r.percentOfBound(eco.joules()),
        eco.waitPercentile(95),
        reactive.waitPercentile(95),
        eco.meanCycles(),
        reactive.meanCycles(),
        reactive.meanCycles() == 0 ? 0 : eco.meanCycles() / reactive.meanCycles());
    System.out.printf(
        Locale.ROOT,
        "issue 7 pre-wake: p95 %.0f s vs eco-default %.0f s (%+.1f %%) and vs reactive %.0f s"
            + " (%+.1f %%); energy %+.1f %% vs eco-default, %+.1f %% vs reactive%n%n",
        predictive.waitPercentile(95),
        eco.waitPercentile(95),
        change(predictive.waitPercentile(95), eco.waitPercentile(95)),
        reactive.waitPercentile(95),
        change(predictive.waitPercentile(95), reactive.waitPercentile(95)),
        change(predictive.joules(), eco.joules()),
        change(predictive.joules(), reactive.joules()));
  }

  private static double change(double value, double reference) {
    return reference == 0 ? 0 : 100 * (value - reference) / reference;
  }

  /** The jobs submitted in {@code [from, from + length)}, moved to start at zero. */
  static Trace window(Trace t, Duration from, Duration length) {
    Duration to = from.plus(length);
    return new Trace(
        t.source() + " days " + from.toDays() + "-" + to.toDays(),
        t.jobs().stream()
            .filter(j -> j.submit().compareTo(from) >= 0 && j.submit().compareTo(to) < 0)
            .map(
                j ->
                    new TraceJob(
                        j.id(), j.submit().minus(from), j.runtime(), j.cores(), j.memoryMb()))
            .toList(),
        t.problems());
  }
}
