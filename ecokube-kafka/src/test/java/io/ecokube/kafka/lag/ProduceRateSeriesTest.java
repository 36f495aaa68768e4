package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.forecast.TimeSeries;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProduceRateSeriesTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void ratesAreEndOffsetDeltasPerSecondOnARegularGrid() {
    ProduceRateSeries s = new ProduceRateSeries(Duration.ofSeconds(1), 100);
    assertThat(s.series()).isEmpty();
    s.record(T0, 100);
    s.record(T0.plusSeconds(1), 150);
    s.record(T0.plusSeconds(2), 150);
    // a missed poll at 3 s, then two seconds' worth at 4 s
    s.record(T0.plusSeconds(4), 250);
    TimeSeries ts = s.series().orElseThrow();
    assertThat(ts.start()).isEqualTo(T0.plusSeconds(1));
    assertThat(ts.step()).isEqualTo(Duration.ofSeconds(1));
    assertThat(ts.size()).isEqualTo(4);
    assertThat(ts.get(0)).isCloseTo(50.0, within(1e-9));
    assertThat(ts.get(1)).isZero();
    assertThat(ts.get(2)).isNaN();
    assertThat(ts.get(3)).isCloseTo(50.0, within(1e-9));
  }

  @Test
  void aShrinkingTotalRestartsInsteadOfGoingNegative() {
    ProduceRateSeries s = new ProduceRateSeries(Duration.ofSeconds(1), 100);
    s.record(T0, 500);
    s.record(T0.plusSeconds(1), 10); // topic deleted and created again
    s.record(T0.plusSeconds(2), 30);
    TimeSeries ts = s.series().orElseThrow();
    assertThat(ts.values()).containsExactly(20.0);
    assertThat(ts.start()).isEqualTo(T0.plusSeconds(2));
  }

  @Test
  void keepsOnlyTheLatestSteps() {
    ProduceRateSeries s = new ProduceRateSeries(Duration.ofSeconds(1), 3);
    for (int i = 0; i <= 10; i++) {
      s.record(T0.plusSeconds(i), i * 10L);
    }
    TimeSeries ts = s.series().orElseThrow();
    assertThat(ts.size()).isEqualTo(3);
    assertThat(ts.start()).isEqualTo(T0.plusSeconds(8));
  }
}
