package io.ecokube.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.time.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress display on and off a terminal, on a manual clock. */
class ProgressBarTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final ManualClock clock = new ManualClock();

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void offTerminalPrintsALineEveryFewSecondsWithTheTimeLeft() {
    ProgressBar bar = new ProgressBar(out, false, clock, Duration.ofSeconds(5));
    bar.update("6 policies", 0.0);
    clock.advance(Duration.ofSeconds(2));
    bar.update("6 policies", 0.10);
    assertThat(text()).as("nothing before 5 s").isEmpty();
    clock.advance(Duration.ofSeconds(3));
    bar.update("6 policies", 0.25);
    // 5 s for a quarter: 15 s to go.
    assertThat(text()).isEqualTo("6 policies: 25% after 5s, ETA 15s\n");
    clock.advance(Duration.ofSeconds(1));
    bar.update("6 policies", 0.30);
    assertThat(text().lines()).hasSize(1);
    clock.advance(Duration.ofSeconds(4));
    bar.update("6 policies", 1.0);
    assertThat(text().lines())
        .containsExactly("6 policies: 25% after 5s, ETA 15s", "6 policies: 100% after 10s, done");
    assertThat(text()).doesNotContain("\r");
    bar.done();
    assertThat(text().lines()).hasSize(2);
  }

  @Test
  void onTerminalRedrawsInPlaceWithAnEstimate() {
    ProgressBar bar = new ProgressBar(out, true, clock, Duration.ofSeconds(5));
    bar.update("2 policies", 0.0);
    assertThat(text()).startsWith("\r2 policies").endsWith("0%  ETA --");
    clock.advance(Duration.ofSeconds(30));
    bar.update("2 policies", 0.5);
    assertThat(text()).endsWith(" 50%  ETA 30s").doesNotContain("\n");
    bar.done();
    assertThat(text()).endsWith("\n");
  }
}
