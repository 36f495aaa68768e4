package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.time.ManualClock;
import io.ecokube.api.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pacing on virtual time: the sleeper advances the manual clock instead of waiting. */
class BmcPacerTest {
  final ManualClock clock = new ManualClock();
  final List<Duration> sleeps = new ArrayList<>();
  final Sleeper sleeper =
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
    BmcPacers pacers = new BmcPacers(sleeper);
    BmcPacer a = pacers.forBmc("bmc-1.test:623", Duration.ofMillis(50), clock);
    BmcPacer b = pacers.forBmc("bmc-1.test:623", Duration.ofMillis(200), clock);
    assertThat(b).isSameAs(a);
    assertThat(a.interval()).isEqualTo(Duration.ofMillis(200));
    pacers.forBmc("bmc-1.test:623", Duration.ofMillis(10), clock);
    assertThat(a.interval()).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void otherBmcsHaveTheirOwnPacer() throws Exception {
    BmcPacers pacers = new BmcPacers(sleeper);
    BmcPacer one = pacers.forBmc("bmc-1.test:623", Duration.ofMillis(100), clock);
    BmcPacer other = pacers.forBmc("bmc-2.test:623", Duration.ofMillis(100), clock);
    one.awaitTurn();
    other.awaitTurn();
    assertThat(other).isNotSameAs(one);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void twoSetsOfPacersShareNothing() throws Exception {
    BmcPacer first = new BmcPacers(sleeper).forBmc("bmc-1.test:623", Duration.ofMillis(100), clock);
    BmcPacer second =
        new BmcPacers(sleeper).forBmc("bmc-1.test:623", Duration.ofMillis(300), clock);
    first.awaitTurn();
    second.awaitTurn();
    assertThat(second).isNotSameAs(first);
    assertThat(first.interval()).isEqualTo(Duration.ofMillis(100));
    assertThat(sleeps).isEmpty();
  }
}
