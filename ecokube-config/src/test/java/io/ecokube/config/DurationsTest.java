package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Config reads durations with the shared grammar, including its upper bound. */
class DurationsTest {

  @Test
  void acceptsTheSharedFormsAndRoundTrips() {
    assertThat(Durations.parse("90s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("1d")).contains(Duration.ofDays(1));
    assertThat(Durations.parse("PT30S")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse(Durations.format(Duration.ofMinutes(150))))
        .contains(Duration.ofMinutes(150));
  }

  @Test
  void absurdOrMalformedValuesAreNotDurations() {
    assertThat(Durations.parse("1000000000000d")).isEmpty();
    assertThat(Durations.parse("99999999999999999999s")).isEmpty();
    assertThat(Durations.parse("10 minutes")).isEmpty();
  }
}
