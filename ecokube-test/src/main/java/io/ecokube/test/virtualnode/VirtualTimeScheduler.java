package io.ecokube.test.virtualnode;

import io.ecokube.api.time.Clock;
import io.ecokube.api.time.EventLoop;
import io.ecokube.api.time.ManualClock;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link NodeScheduler} on virtual time: a node's boots and shutdowns are events of an {@link
 * EventLoop}, the same loop the simulator and the replay run on. Tasks run only when the loop runs
 * ({@link #advance(Duration)}, {@link #runDue()}, or whoever else drives a shared loop), on the
 * calling thread, in order of their due time, with the {@link ManualClock} set to each task's due
 * time while it runs. A simulation that moves the shared clock itself calls {@link #runDue()}
 * afterwards. Scheduling is thread-safe: packets arrive on socket threads.
 */
public final class VirtualTimeScheduler implements NodeScheduler {
  private final EventLoop loop;

  /** Schedules on a loop of its own over the given clock, which {@link #advance} moves forward. */
  public VirtualTimeScheduler(ManualClock clock) {
    this(new EventLoop(clock));
  }

  /** Schedules on the given loop, shared with whatever else runs on it. */
  public VirtualTimeScheduler(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
  }

  @Override
  public Clock clock() {
    return loop.clock();
  }

  /** The loop the tasks are events of. */
  public EventLoop loop() {
    return loop;
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    loop.after(delay, task);
  }

  /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
  public void advance(Duration d) {
    loop.advance(d);
  }

  /** Runs the tasks due now without moving the clock. */
  public void runDue() {
    loop.runDue();
  }

  /** How many tasks wait. */
  public int pending() {
    return loop.pending();
  }
}
