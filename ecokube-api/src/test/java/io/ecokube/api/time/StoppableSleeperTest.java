package io.ecokube.api.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoppableSleeperTest {

  @Test
  void aWaitInProgressEndsWhenStopped() throws Exception {
    StoppableSleeper sleeper = new StoppableSleeper();
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Boolean> wentOn =
        CompletableFuture.supplyAsync(
            () -> {
              waiting.countDown();
              return sleeper.pause(Duration.ofDays(1));
            });
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
    sleeper.stop();
    // A day-long wait can only have ended this soon because stop() ended it.
    assertThat(wentOn.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(sleeper.stopped()).isTrue();
  }

  @Test
  void afterStopEveryWaitReturnsAtOnceAndSaysStop() throws Exception {
    StoppableSleeper sleeper = new StoppableSleeper();
    sleeper.stop();
    sleeper.stop();
    sleeper.sleep(Duration.ofDays(1));
    assertThat(sleeper.pause(Duration.ofDays(1))).isFalse();
  }

  @Test
  void anUnstoppedZeroWaitGoesOn() {
    StoppableSleeper sleeper = new StoppableSleeper();
    assertThat(sleeper.pause(Duration.ZERO)).isTrue();
    assertThat(sleeper.pause(Duration.ofMillis(-5))).isTrue();
    assertThat(sleeper.stopped()).isFalse();
  }

  @Test
  void anInterruptedWaitSaysStopAndKeepsTheFlag() {
    StoppableSleeper sleeper = new StoppableSleeper();
    Thread.currentThread().interrupt();
    try {
      assertThat(sleeper.pause(Duration.ofDays(1))).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
