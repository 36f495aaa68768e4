package io.ecokube.test.virtualnode;

import io.ecokube.api.power.PowerState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VirtualNode}'s power state over time: {@code OFF -> BOOTING -> ON} and {@code ON ->
 * SHUTTING_DOWN -> OFF}, the second step of each finishing on the node's {@link NodeScheduler}
 * (real time, or an event of the virtual-time loop), and the listeners that hear every change. The
 * node supplies what happens at the end of a boot or shutdown (its SSH server opening or closing).
 * Thread-safe: wake-ups come from the UDP thread, power-offs from SSH sessions, ends from the
 * timer.
 */
final class PowerSequence {
  // Under the node's logger: that is the name users set levels for.
  private static final Logger LOG = LoggerFactory.getLogger(VirtualNode.class);

  private final String node;
  private final NodeScheduler scheduler;
  private final List<Consumer<PowerChange>> listeners = new CopyOnWriteArrayList<>();
  private PowerState state;
  private Instant bootRequestedAt;
  private boolean closed;

  PowerSequence(String node, PowerState initial, NodeScheduler scheduler) {
    this.node = node;
    this.state = initial;
    this.scheduler = scheduler;
  }

  synchronized PowerState state() {
    return state;
  }

  synchronized Optional<Instant> bootRequestedAt() {
    return Optional.ofNullable(bootRequestedAt);
  }

  void addListener(Consumer<PowerChange> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Starts a boot when the node is off: BOOTING now, ON {@code bootTime} later if {@code powerUp}
   * then succeeds (it stays BOOTING otherwise, as a machine whose OS hangs).
   *
   * @return whether a boot started
   */
  boolean boot(Duration bootTime, BooleanSupplier powerUp) {
    synchronized (this) {
      if (closed || state != PowerState.OFF) {
        return false;
      }
      bootRequestedAt = scheduler.clock().now();
    }
    transition(PowerState.BOOTING);
    scheduler.schedule(bootTime, () -> finish(PowerState.BOOTING, PowerState.ON, powerUp));
    return true;
  }

  /**
   * Starts a shutdown when the node is on: SHUTTING_DOWN now, OFF {@code shutdownTime} later once
   * {@code powerDown} succeeds.
   *
   * @return whether a shutdown started
   */
  boolean shutDown(Duration shutdownTime, BooleanSupplier powerDown) {
    synchronized (this) {
      if (closed || state != PowerState.ON) {
        return false;
      }
    }
    transition(PowerState.SHUTTING_DOWN);
    scheduler.schedule(
        shutdownTime, () -> finish(PowerState.SHUTTING_DOWN, PowerState.OFF, powerDown));
    return true;
  }

  /** No change after this: a closed node's pending boot or shutdown ends where it is. */
  synchronized void close() {
    closed = true;
  }

  private void finish(PowerState from, PowerState to, BooleanSupplier step) {
    synchronized (this) {
      if (closed || state != from) {
        return;
      }
    }
    if (step.getAsBoolean()) {
      transition(to);
    }
  }

  private void transition(PowerState to) {
    PowerChange change;
    synchronized (this) {
      if (state == to) {
        return;
      }
      change = new PowerChange(node, state, to, scheduler.clock().now());
      state = to;
    }
    LOG.info("Virtual node '{}': {} -> {}", node, change.from(), to);
    for (Consumer<PowerChange> l : listeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        LOG.warn("Virtual node '{}': a power listener failed", node, e);
      }
    }
  }
}
