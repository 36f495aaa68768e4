package io.ecokube.controller;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The controller's background timers: one named daemon thread each, so a timer never keeps the
 * program alive after {@code run} returns and a thread dump says what each thread is for.
 */
public final class Daemons {
  private Daemons() {}

  /** A single-thread scheduler whose thread has this name and is a daemon. */
  public static ScheduledExecutorService scheduler(String threadName) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }
}
