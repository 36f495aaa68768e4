package io.ecokube.api.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLoopTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = new ManualClock(T0);
  private final EventLoop loop = new EventLoop(clock);
  private final List<String> ran = new ArrayList<>();

  private Runnable log(String name) {
    return () -> ran.add(name + "@" + Duration.between(T0, clock.now()).toSeconds());
  }

  @Test
  void eventsRunByTimeThenByScheduling() {
    loop.after(Duration.ofSeconds(30), log("c"));
    loop.after(Duration.ofSeconds(10), log("a"));
    loop.at(T0.plusSeconds(30), log("d"));
    loop.after(Duration.ofSeconds(10), log("b"));

    assertThat(loop.runUntil(T0.plusSeconds(60))).isEqualTo(4);

    assertThat(ran).containsExactly("a@10", "b@10", "c@30", "d@30");
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(60));
    assertThat(loop.pending()).isZero();
  }

  @Test
  void runUntilIsBoundedAndIncludesTheEnd() {
    loop.after(Duration.ofSeconds(60), log("edge"));
    loop.after(Duration.ofSeconds(61), log("later"));

    loop.runUntil(T0.plusSeconds(60));

    assertThat(ran).containsExactly("edge@60");
    assertThat(loop.nextTime()).contains(T0.plusSeconds(61));
    loop.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("edge@60", "later@61");
  }

  @Test
  void actionsMayScheduleMoreIncludingAtTheirOwnInstant() {
    loop.after(
        Duration.ofSeconds(5),
        () -> {
          log("first").run();
          loop.after(Duration.ZERO, log("same-instant"));
          loop.after(Duration.ofSeconds(5), log("chained"));
        });
    loop.after(Duration.ofSeconds(5), log("second"));

    loop.advance(Duration.ofSeconds(20));

    assertThat(ran).containsExactly("first@5", "second@5", "same-instant@5", "chained@10");
  }

  @Test
  void cancelledEventsNeverRun() {
    EventLoop.Event gone = loop.after(Duration.ofSeconds(5), log("gone"));
    EventLoop.Event kept = loop.after(Duration.ofSeconds(6), log("kept"));

    assertThat(gone.cancel()).isTrue();
    assertThat(gone.cancel()).isFalse();
    assertThat(gone.isPending()).isFalse();
    assertThat(loop.pending()).isEqualTo(1);
    loop.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("kept@6");
    assertThat(kept.isPending()).isFalse();
    assertThat(kept.cancel()).as("already ran").isFalse();
  }

  @Test
  void anActionCanCancelALaterOne() {
    EventLoop.Event[] timeout = new EventLoop.Event[1];
    loop.after(Duration.ofSeconds(3), () -> timeout[0].cancel());
    timeout[0] = loop.after(Duration.ofSeconds(9), log("timeout"));

    loop.advance(Duration.ofSeconds(10));

    assertThat(ran).isEmpty();
  }

  @Test
  void stoppingOnAConditionLeavesTheClockAtTheLastEvent() {
    for (int i = 1; i <= 5; i++) {
      loop.after(Duration.ofSeconds(i * 10), log("e" + i));
    }

    int n = loop.runUntil(T0.plusSeconds(100), () -> ran.size() == 2);

    assertThat(n).isEqualTo(2);
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(20));
    assertThat(loop.pending()).isEqualTo(3);
  }

  @Test
  void stoppingAtTheLimitLeavesTheClockAtTheLastEventToo() {
    loop.after(Duration.ofSeconds(10), log("e"));
    loop.after(Duration.ofSeconds(90), log("f"));

    loop.runUntil(T0.plusSeconds(50), () -> false);

    assertThat(ran).containsExactly("e@10");
    assertThat(clock.now()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void runDueRunsOnlyWhatIsDueNow() {
    loop.after(Duration.ZERO, log("now"));
    loop.after(Duration.ofMillis(1), log("soon"));

    assertThat(loop.runDue()).isEqualTo(1);

    assertThat(ran).containsExactly("now@0");
    assertThat(clock.now()).isEqualTo(T0);
  }

  @Test
  void timeNeverGoesBack() {
    clock.set(T0.plusSeconds(10));

    assertThatThrownBy(() -> loop.at(T0, log("past")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before the current time");
    assertThatThrownBy(() -> loop.after(Duration.ofSeconds(-1), log("past")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(() -> loop.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void otherThreadsMaySchedule() throws InterruptedException {
    CountDownLatch scheduled = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              loop.after(Duration.ofSeconds(45), log("boot-done"));
              scheduled.countDown();
            });
    t.start();
    assertThat(scheduled.await(10, TimeUnit.SECONDS)).isTrue();

    loop.advance(Duration.ofMinutes(1));

    assertThat(ran).containsExactly("boot-done@45");
  }
}
