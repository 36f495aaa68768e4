package io.ecokube.replay.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.trace.SyntheticTrace;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceJob;
import io.ecokube.replay.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the same queue discipline for every policy, a policy that keeps every node on can only make
 * jobs wait less: always-on's wait quantiles are a floor for every power-managed policy's. Checked
 * on every shared trace (read from {@code ../shared/traces}, skipped with a message when absent)
 * and on the synthetic week, the benchmark's cases (docs/benchmarks.md).
 */
class WaitFloorTest {
  private static final Path TRACES =
      Path.of(System.getProperty("ecokube.shared.dir", "../../shared"), "traces");
  private static final PowerProfile SERVER =
      new PowerProfile(5, 120, 300, 200, Duration.ofSeconds(180), Duration.ofSeconds(60));

  @BeforeAll
  static void quietEngine() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  private static ReplayCluster cluster(int nodes) {
    return new ReplayCluster(
        nodes, 8, 64L * 1024 * 1024 * 1024, 110, SERVER, FlatTariff.typicalEurope());
  }

  private static Path shared(String name) {
    Path p = TRACES.resolve(name);
    assumeTrue(
        Files.isRegularFile(p),
        "shared trace " + p.toAbsolutePath() + " not found (set -Decokube.shared.dir)");
    return p;
  }

  private static void assertFloor(ReplayCluster c, Trace t, Duration horizon) {
    Replay r =
        new Replay(
            c,
            Replay.dailyForecaster(),
            lead -> Replay.preWakeSettings(lead, PreWakeSettings.Estimate.UPPER, 0.4),
            Runtime.getRuntime().availableProcessors());
    List<String> keys =
        PolicyCatalog.KEYS.stream().filter(k -> !k.equals(PolicyCatalog.CLAIRVOYANT)).toList();
    Comparison cmp = r.run(t, keys, horizon, (w, f) -> {});
    PolicyResult on = cmp.result("always-on").orElseThrow();
    assertThat(on.jobsStarted()).isPositive();
    for (PolicyResult p : cmp.results()) {
      for (double q : new double[] {50, 95, 99}) {
        assertThat(p.waitPercentile(q))
            .as("%s: %s wait p%.0f against always-on's", t.source(), p.key(), q)
            .isGreaterThanOrEqualTo(on.waitPercentile(q));
      }
    }
  }

  @Test
  void nasaWeekTwo() throws IOException {
    Trace all =
        new TraceReader(TraceReader.Options.defaults())
            .read(shared("NASA-iPSC-1993-3.1-cln.swf.gz"));
    Duration from = Duration.ofDays(7);
    Duration to = Duration.ofDays(14);
    Trace week =
        new Trace(
            all.source() + " days 7-14",
            all.jobs().stream()
                .filter(j -> j.submit().compareTo(from) >= 0 && j.submit().compareTo(to) < 0)
                .map(
                    j ->
                        new TraceJob(
                            j.id(), j.submit().minus(from), j.runtime(), j.cores(), j.memoryMb()))
                .toList(),
            all.problems());
    assertFloor(cluster(16), week, Duration.ofDays(7));
  }

  @Test
  void azureLlmHour() throws IOException {
    Trace t =
        new TraceReader(TraceReader.Options.defaults())
            .read(shared("AzureLLMInferenceTrace_conv.csv"));
    assertFloor(cluster(8), t, Replay.defaultHorizon(t));
  }

  @Test
  void syntheticWeek() {
    ReplayCluster c = cluster(50);
    Trace week =
        SyntheticTrace.generate(
            Duration.ofDays(7), 4.2 * c.totalCores() / 9, 4, 50, Duration.ofMinutes(20), 8, 1);
    assertFloor(c, week, Duration.ofDays(7));
  }
}
