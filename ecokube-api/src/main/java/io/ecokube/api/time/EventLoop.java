package io.ecokube.api.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A discrete-event loop on virtual time: actions scheduled for instants run in order of their time,
 * and of their scheduling when two share an instant, with the {@link ManualClock} set to each
 * action's time while it runs. Nothing runs until a {@code run} or {@code advance} method is
 * called, and then on the calling thread; a week of simulated time costs only the work of its
 * events.
 *
 * <p>The simulator, the trace replay and the test kit's virtual nodes all move time through this
 * one loop. An action may schedule more actions (also at the current instant: they run after those
 * already due then) and may cancel pending ones through their {@link Event} handle.
 *
 * <p>Scheduling and cancelling are thread-safe, so a packet arriving on a socket thread can
 * schedule a boot's end; the run methods are meant for one driving thread at a time.
 *
 * <pre>{@code
 * EventLoop loop = new EventLoop(new ManualClock());
 * EventLoop.Event boot = loop.after(Duration.ofSeconds(45), () -> node.finishBoot());
 * loop.advance(Duration.ofMinutes(1)); // runs the boot's end at +45 s, leaves the clock at +1 min
 * }</pre>
 */
public final class EventLoop {
  private static final Comparator<Event> ORDER =
      Comparator.comparing((Event e) -> e.time).thenComparingLong(e -> e.sequence);

  private final ManualClock clock;
  private final PriorityQueue<Event> queue = new PriorityQueue<>(ORDER);
  private long scheduled;

  /** A loop that moves the given clock. */
  public EventLoop(ManualClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A loop on a fresh {@link ManualClock} (2026-01-01T00:00:00Z). */
  public EventLoop() {
    this(new ManualClock());
  }

  /** The clock this loop moves. */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Schedules an action at an instant.
   *
   * @throws IllegalArgumentException when {@code time} is before the clock's current time: virtual
   *     time does not go back, schedule at {@code clock().now()} or later
   */
  public synchronized Event at(Instant time, Runnable action) {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(action, "action");
    if (time.isBefore(clock.now())) {
      throw new IllegalArgumentException(
          "cannot schedule at " + time + ": it is before the current time " + clock.now());
    }
    Event e = new Event(time, scheduled++, action);
    queue.add(e);
    return e;
  }

  /**
   * Schedules an action a delay after the current time.
   *
   * @throws IllegalArgumentException when {@code delay} is negative
   */
  public Event after(Duration delay, Runnable action) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative; got " + delay);
    }
    return at(clock.now().plus(delay), action);
  }

  /** When the next pending event is due; empty when none waits. */
  public synchronized Optional<Instant> nextTime() {
    Event head = queue.peek();
    return head == null ? Optional.empty() : Optional.of(head.time);
  }

  /** How many events wait. */
  public synchronized int pending() {
    return queue.size();
  }

  /**
   * Runs every event due at or before {@code end}, in order, including those the actions schedule
   * on the way, then sets the clock to {@code end} (when it is later).
   *
   * @return how many events ran
   */
  public int runUntil(Instant end) {
    int ran = runUntil(end, () -> false);
    if (end.isAfter(clock.now())) {
      clock.set(end);
    }
    return ran;
  }

  /**
   * Runs events due at or before {@code limit}, in order, until {@code done} holds after one of
   * them. Unlike {@link #runUntil(Instant)} the clock stays at the time of the last event run, so
   * the caller sees where the run stopped; events still pending stay scheduled.
   *
   * @return how many events ran
   */
  public int runUntil(Instant limit, BooleanSupplier done) {
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(done, "done");
    int ran = 0;
    Event next;
    while ((next = pollDue(limit)) != null) {
      if (next.time.isAfter(clock.now())) {
        clock.set(next.time);
      }
      next.action.run();
      ran++;
      if (done.getAsBoolean()) {
        break;
      }
    }
    return ran;
  }

  /** Moves the clock forward by {@code d}, running every event due on the way. */
  public int advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward; got " + d);
    }
    return runUntil(clock.now().plus(d));
  }

  /** Runs the events due at the current time without moving the clock. */
  public int runDue() {
    return runUntil(clock.now());
  }

  private synchronized Event pollDue(Instant limit) {
    Event head = queue.peek();
    if (head == null || head.time.isAfter(limit)) {
      return null;
    }
    queue.poll();
    head.done = true;
    return head;
  }

  @Override
  public String toString() {
    return "EventLoop[" + clock.now() + ", " + pending() + " pending]";
  }

  /** A scheduled action: when it is due, and a way to call it off before it runs. */
  public final class Event {
    private final Instant time;
    private final long sequence;
    private final Runnable action;
    private boolean cancelled;
    private boolean done;

    private Event(Instant time, long sequence, Runnable action) {
      this.time = time;
      this.sequence = sequence;
      this.action = action;
    }

    /** When it is due. */
    public Instant time() {
      return time;
    }

    /**
     * Calls the action off.
     *
     * @return whether this call stopped it: false when it already ran or was cancelled before
     */
    public boolean cancel() {
      synchronized (EventLoop.this) {
        if (cancelled || done) {
          return false;
        }
        cancelled = true;
        queue.remove(this);
        return true;
      }
    }

    /** Whether it is still to run. */
    public boolean isPending() {
      synchronized (EventLoop.this) {
        return !cancelled && !done;
      }
    }

    @Override
    public String toString() {
      return "Event[" + time + (isPending() ? "" : cancelled ? ", cancelled" : ", done") + "]";
    }
  }
}
