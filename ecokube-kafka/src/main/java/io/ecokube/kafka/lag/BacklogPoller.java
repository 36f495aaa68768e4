package io.ecokube.kafka.lag;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.BacklogSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a {@link BacklogSource}'s readings to a listener on its own named daemon thread, so the I/O
 * never runs on the engine's decision thread. The latest readings are available at any time through
 * {@link #latest()}. A plain poller reads at a fixed rate; {@link #forKafka} instead follows the
 * topics' end offsets and hands over a reading as soon as something was produced (the short path
 * from an upload to a wake decision). A listener that throws is logged and polling goes on.
 */
public final class BacklogPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BacklogPoller.class);

  private final BacklogSource source;
  private final Consumer<List<BacklogReading>> listener;
  private final ScheduledExecutorService executor;
  private final AtomicReference<List<BacklogReading>> latest = new AtomicReference<>(List.of());
  private final AtomicBoolean handOverPending = new AtomicBoolean();

  private BacklogPoller(
      String name, BacklogSource source, Consumer<List<BacklogReading>> listener) {
    this.source = Objects.requireNonNull(source, "source");
    this.listener = Objects.requireNonNull(listener, "listener");
    String threadName = "ecokube-backlog-" + Objects.requireNonNull(name, "name");
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts polling at once, then every {@code interval} (start to start; a poll that overruns
   * delays the next one instead of stacking up).
   *
   * @param name names the thread: {@code ecokube-backlog-<name>}
   */
  public BacklogPoller(
      String name,
      BacklogSource source,
      Duration interval,
      Consumer<List<BacklogReading>> listener) {
    this(name, source, listener);
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + interval);
    }
    executor.scheduleAtFixedRate(
        () -> handOver(source::read), 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Follows a Kafka lag source: the committed offsets are read every poll interval of its settings
   * (one admin request), the end offsets as the brokers append, and the listener gets a reading
   * after each poll and whenever an end offset moved. Readings that pile up while the listener runs
   * are merged into one, the newest.
   *
   * @param name names the thread: {@code ecokube-backlog-<name>}
   * @param source a source that is not followed yet; closing the poller closes it
   */
  public static BacklogPoller forKafka(
      String name, KafkaLagSource source, Consumer<List<BacklogReading>> listener) {
    BacklogPoller poller = new BacklogPoller(name, source, listener);
    source.follow(() -> poller.changed(source::current));
    return poller;
  }

  private void changed(Supplier<List<BacklogReading>> readings) {
    if (handOverPending.compareAndSet(false, true)) {
      try {
        executor.execute(
            () -> {
              handOverPending.set(false);
              List<BacklogReading> now = readings.get();
              // An end offset can move before the first poll: nothing to count against yet.
              if (!now.isEmpty()) {
                handOver(() -> now);
              }
            });
      } catch (RejectedExecutionException e) {
        handOverPending.set(false); // closing
      }
    }
  }

  private void handOver(Supplier<List<BacklogReading>> read) {
    List<BacklogReading> readings;
    try {
      readings = read.get();
    } catch (RuntimeException e) {
      // The contract says sources report failures as stale readings; one that throws anyway must
      // not end the polling thread.
      LOG.error("backlog source {} threw instead of reporting stale readings", source, e);
      return;
    }
    latest.set(List.copyOf(readings));
    try {
      listener.accept(readings);
    } catch (RuntimeException e) {
      LOG.error("backlog listener failed; polling goes on", e);
    }
  }

  /** The readings of the last completed poll; empty before the first one. */
  public List<BacklogReading> latest() {
    return latest.get();
  }

  /** Stops polling (an in-flight poll finishes) and closes the source. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
