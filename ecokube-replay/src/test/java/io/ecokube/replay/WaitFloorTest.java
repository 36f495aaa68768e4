package io.ecokube.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import io.ecokube.replay.sim.Replay;
import io.ecokube.replay.trace.SyntheticTrace;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the same queue discipline for every policy, a policy that keeps every node on can only make
 * jobs wait less: always-on's wait quantiles are a floor for every power-managed policy's. Checked
 * on every shared trace (read from {@code ../shared/traces}, skipped with a message when absent)
 * and on the synthetic week: the cases of {@link ReplayBench}.
 */
class WaitFloorTest {
  private static final Path TRACES =
      Path.of(System.getProperty("ecokube.shared.dir", "../../shared"), "traces");

  @BeforeAll
  static void quietEngine() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  private static Path shared(String name) {
    Path p = TRACES.resolve(name);
    assumeTrue(
        Files.isRegularFile(p),
        "shared trace " + p.toAbsolutePath() + " not found (set -Decokube.shared.dir)");
    return p;
  }

  private static void assertFloor(ReplayCluster c, Trace t, Duration horizon) {
    Comparison cmp = ReplayBench.replay(c, t, horizon);
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
    Trace week = ReplayBench.window(all, Duration.ofDays(7), Duration.ofDays(7));
    assertFloor(ReplayBench.cluster(16, 8), week, Duration.ofDays(7));
  }

  @Test
  void azureLlmHour() throws IOException {
    Trace t =
        new TraceReader(TraceReader.Options.defaults())
            .read(shared("AzureLLMInferenceTrace_conv.csv"));
    assertFloor(ReplayBench.cluster(8, 8), t, Replay.defaultHorizon(t));
  }

  @Test
  void syntheticWeek() {
    ReplayCluster c = ReplayBench.cluster(50, 8);
    Trace week =
        SyntheticTrace.generate(
            Duration.ofDays(7), 4.2 * c.totalCores() / 9, 4, 50, Duration.ofMinutes(20), 8, 1);
    assertFloor(c, week, Duration.ofDays(7));
  }
}
