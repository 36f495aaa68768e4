package io.ecokube.test.virtualnode;

import io.ecokube.api.time.Clock;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link NodeScheduler} on virtual time: tasks run only when {@link #advance(Duration)} or {@link
 * #runDue()} is called, on the calling thread, in order of their due time, with the {@link
 * ManualClock} set to each task's due time while it runs. A simulation that moves the shared clock
 * itself calls {@link #runDue()} afterwards instead. Thread-safe.
 */
public final class VirtualTimeScheduler implements NodeScheduler {
  private record Task(Instant due, long seq, Runnable body) {}

  private final ManualClock clock;
  private final PriorityQueue<Task> queue =
      new PriorityQueue<>(Comparator.comparing(Task::due).thenComparingLong(Task::seq));
  private long seq;

  /** Schedules on the given clock, which this scheduler moves forward in {@link #advance}. */
  public VirtualTimeScheduler(ManualClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative; got " + delay);
    }
    queue.add(new Task(clock.now().plus(delay), seq++, Objects.requireNonNull(task, "task")));
  }

  /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
  public void advance(Duration d) {
    Instant target = clock.now().plus(d);
    Task next;
    while ((next = pollDue(target)) != null) {
      if (next.due().isAfter(clock.now())) {
        clock.set(next.due());
      }
      next.body().run();
    }
    if (target.isAfter(clock.now())) {
      clock.set(target);
    }
  }

  /** Runs the tasks due now without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks wait. */
  public synchronized int pending() {
    return queue.size();
  }

  private synchronized Task pollDue(Instant until) {
    Task head = queue.peek();
    return head != null && !head.due().isAfter(until) ? queue.poll() : null;
  }
}
