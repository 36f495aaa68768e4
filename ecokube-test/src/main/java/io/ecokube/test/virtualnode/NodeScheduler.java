package io.ecokube.test.virtualnode;

import io.ecokube.api.time.Clock;
import java.time.Duration;

/**
 * Where a {@link VirtualNode} takes time from: the clock that stamps its power changes and the
 * timer that finishes its boots and shutdowns. {@link #realTime()} runs on the wall clock; a {@link
 * VirtualTimeScheduler} runs when a simulation advances its clock, so a 45-second boot costs no
 * real time.
 */
public interface NodeScheduler extends AutoCloseable {

  /** The clock that stamps power changes. */
  Clock clock();

  /** Runs a task once, after a delay measured on {@link #clock()}. */
  void schedule(Duration delay, Runnable task);

  /** Stops running tasks. Never throws. */
  @Override
  default void close() {}

  /** Wall-clock time with one daemon thread; close it when done. */
  static NodeScheduler realTime() {
    return new RealTimeScheduler();
  }
}
