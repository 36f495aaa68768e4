package io.ecokube.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void shortFormsAndIso() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse(" 10m ")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("2H")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("5 s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("P2D")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("0s")).isZero();
  }

  @Test
  void notADurationNamesTheTextAndTheForms() {
    for (String bad : new String[] {"ten minutes", "10", "10w", "-5s", "PTxS", "1.5h"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("'" + bad + "' is not a duration; use e.g. 500ms, 30s, 10m, 2h, 1d or PT30S");
      assertThat(Durations.tryParse(bad)).isEmpty();
    }
    assertThatThrownBy(() -> Durations.parse(" ")).hasMessageStartingWith("empty duration");
  }

  @Test
  void absurdValuesAreRejectedNotOverflowed() {
    for (String huge :
        new String[] {
          "1000000000000d", "99999999999999999999s", "36501d", "PT9999999999999999H", "P36501D"
        }) {
      assertThatThrownBy(() -> Durations.parse(huge))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("'" + huge + "' is longer than the limit of 36500d (100 years)");
    }
    assertThat(Durations.parse("36500d")).isEqualTo(Durations.MAX);
  }

  @Test
  void formatIsTheShortestExactFormAndParsesBack() {
    assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration d :
        new Duration[] {Duration.ofHours(36), Duration.ofSeconds(61), Duration.ofMillis(7)}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }
}
