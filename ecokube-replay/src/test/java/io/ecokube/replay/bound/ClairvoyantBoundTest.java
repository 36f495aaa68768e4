package io.ecokube.replay.bound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ClairvoyantBoundTest {
  // 10 W off, 100 W idle, 200 W max, 150 W while booting/shutting down, 100 s boot, 50 s shutdown.
  // Break-even: (150 - 10) x 150 s / (100 - 10) W = 233.3 s.
  private static final PowerProfile P =
      new PowerProfile(10, 100, 200, 150, Duration.ofSeconds(100), Duration.ofSeconds(50));

  private static TraceJob job(long submit, long runtime, int cores) {
    return new TraceJob(
        "j" + submit,
        Duration.ofSeconds(submit),
        Duration.ofSeconds(runtime),
        cores,
        OptionalLong.empty());
  }

  @Test
  void noJobsMeansEveryNodeOffAllAlong() {
    ClairvoyantBound.Result r =
        ClairvoyantBound.compute(List.of(), 3, 8, P, Duration.ofSeconds(1000));
    assertThat(r.joules()).isCloseTo(3 * 10 * 1000.0, within(1e-6));
    assertThat(r.powerCycles()).isZero();
  }

  @Test
  void oneJobIsOneCycleOfOneNode() {
    // 4 cores of 8 for 100 s on one node, horizon 1000 s, 2 nodes.
    ClairvoyantBound.Result r =
        ClairvoyantBound.compute(List.of(job(200, 100, 4)), 2, 8, P, Duration.ofSeconds(1000));
    double idle = 100 * 100 + 10 * (2 * 1000 - 100);
    double cycle = (150 - 10) * (100 + 50);
    double dynamic = (200 - 100) / 8.0 * 4 * 100;
    assertThat(r.joules()).isCloseTo(idle + cycle + dynamic, within(1e-6));
    assertThat(r.powerCycles()).isEqualTo(1);
    assertThat(r.nodeSeconds()).isCloseTo(100, within(1e-9));
  }

  @Test
  void shortGapsAreBridgedLongGapsCycle() {
    // Gap of 200 s (< 233 s break-even) is bridged; gap of 300 s is not.
    List<TraceJob> jobs = List.of(job(0, 100, 1), job(300, 100, 1), job(700, 100, 1));
    ClairvoyantBound.Result r = ClairvoyantBound.compute(jobs, 1, 8, P, Duration.ofSeconds(800));
    assertThat(r.powerCycles()).isEqualTo(2);
    assertThat(r.maxCyclesPerNode()).isEqualTo(2);
    assertThat(r.nodeSeconds()).isCloseTo(400 + 100, within(1e-9));
  }

  @Test
  void demandBeyondOneNodeUsesMoreSlotsCappedAtClusterSize() {
    ClairvoyantBound.Result r =
        ClairvoyantBound.compute(List.of(job(0, 100, 20)), 2, 8, P, Duration.ofSeconds(100));
    // 20 cores need 3 nodes of 8; only 2 exist: both on for the whole 100 s.
    assertThat(r.nodeSeconds()).isCloseTo(200, within(1e-9));
    assertThat(r.powerCycles()).isEqualTo(2);
    assertThat(r.maxCyclesPerNode()).isEqualTo(1);
  }

  @Test
  void neverMoreThanAlwaysOn() {
    List<TraceJob> jobs = List.of(job(0, 50, 2), job(1000, 50, 2), job(5000, 3000, 16));
    Duration h = Duration.ofSeconds(10_000);
    ClairvoyantBound.Result r = ClairvoyantBound.compute(jobs, 4, 8, P, h);
    double alwaysOn = 4 * 100 * 10_000.0 + (200 - 100) / 8.0 * (2 * 50 * 2 + 16 * 3000);
    assertThat(r.joules()).isLessThan(alwaysOn);
  }
}
