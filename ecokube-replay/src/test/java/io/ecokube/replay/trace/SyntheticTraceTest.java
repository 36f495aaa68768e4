package io.ecokube.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SyntheticTraceTest {
  private static Trace week(long seed) {
    return SyntheticTrace.generate(Duration.ofDays(7), 120, 2, 20, Duration.ofMinutes(10), 4, seed);
  }

  @Test
  void sameSeedSameTraceOtherSeedOtherTrace() {
    assertThat(week(42).jobs()).isEqualTo(week(42).jobs());
    assertThat(week(43).jobs()).isNotEqualTo(week(42).jobs());
  }

  @Test
  void afternoonsAreBusierThanNights() {
    long[] perHour = new long[24];
    for (TraceJob j : week(7).jobs()) {
      perHour[(int) (j.submit().toHours() % 24)]++;
    }
    // Peak at 14:00, trough at 02:00 (a tenth of the peak rate), bursts aside.
    assertThat(perHour[14]).isGreaterThan(3 * perHour[2]);
  }

  @Test
  void jobsStayWithinTheirShape() {
    Trace t = week(1);
    assertThat(t.jobs())
        .isNotEmpty()
        .allSatisfy(
            j -> {
              assertThat(j.cores()).isBetween(1, 4);
              assertThat(j.runtime()).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
              assertThat(j.submit()).isLessThan(Duration.ofDays(7));
            });
  }
}
