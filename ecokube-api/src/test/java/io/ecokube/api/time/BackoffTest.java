package io.ecokube.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCap() {
    Backoff b = Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(3));
    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(b.delay(i));
    }
    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(250),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(3));
  }

  @Test
  void manyRetriesStayAtTheCapInsteadOfOverflowing() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofDays(1));
    assertThat(b.delay(40)).isEqualTo(Duration.ofDays(1));
    assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void jitterOnlyShortensWithinTheFraction() {
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(8)).withJitter(0.5);
    Random random = new Random(42);
    List<Duration> seen = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Duration d = b.delay(3, random);
      assertThat(d).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
      seen.add(d);
    }
    // jitter spreads the waits: not all clients retry at the same instant
    assertThat(seen.stream().distinct().count()).isGreaterThan(100);
  }

  @Test
  void awaitRunsOnVirtualTimeAndStopsAtTheDeadline() throws InterruptedException {
    ManualClock clock = new ManualClock();
    var start = clock.now();
    Sleeper sleeper = Sleeper.advancing(clock);
    Backoff b = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
    Random random = new Random(1);
    assertThat(b.await(0, Duration.ofMinutes(1), sleeper, random)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.await(4, Duration.ofSeconds(5), sleeper, random)).isEqualTo(Duration.ofSeconds(5));
    assertThat(Duration.between(start, clock.now())).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void badSettingsSayWhatIsWrong() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("initial wait must be positive");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("shorter than the initial wait");
    assertThatThrownBy(
            () -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2)).withJitter(1.5))
        .hasMessageContaining("jitter must be between 0 and 1");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), Duration.ofDays(40_000)))
        .hasMessageContaining("longer than the limit");
  }
}
