package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing on virtual time: the sleeper advances the manual clock instead of waiting. */
class BmcPacerTest {
  final ManualClock clock = new ManualClock();
  final List<Duration> sleeps = new ArrayList<>();
  final BmcPacer.Sleeper sleeper =
      d -> {
        sleeps.add(d);
        clock.advance(d);
      };

  @Test
  void theFirstRequestGoesAtOnce() throws Exception {
    new BmcPacer(Duration.ofMillis(100), clock, sleeper).awaitTurn();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aBurstIsSpreadOverTheInterval() throws Exception {
    BmcPacer p = new BmcPacer(Duration.ofMillis(100), clock, sleeper);
    p.awaitTurn();
    p.awaitTurn();
    clock.advance(Duration.ofMillis(30));
    p.awaitTurn();
    assertThat(sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(70));
  }

  @Test
  void requestsFarEnoughApartNeverWait() throws Exception {
    BmcPacer p = new BmcPacer(Duration.ofMillis(100), clock, sleeper);
    for (int i = 0; i < 5; i++) {
      p.awaitTurn();
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(sleeps).isEmpty();
  }

  @Test
  void zeroIntervalNeverWaits() throws Exception {
    BmcPacer p = new BmcPacer(Duration.ZERO, clock, sleeper);
    p.awaitTurn();
    p.awaitTurn();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void nodesSharingABmcShareOnePacerWithTheLongestInterval() {
    String endpoint = "shared-bmc.test:" + System.nanoTime();
    BmcPacer a = BmcPacer.shared(endpoint, Duration.ofMillis(50), clock);
    BmcPacer b = BmcPacer.shared(endpoint, Duration.ofMillis(200), clock);
    assertThat(b).isSameAs(a);
    assertThat(a.interval()).isEqualTo(Duration.ofMillis(200));
    BmcPacer.shared(endpoint, Duration.ofMillis(10), clock);
    assertThat(a.interval()).isEqualTo(Duration.ofMillis(200));
  }
}
