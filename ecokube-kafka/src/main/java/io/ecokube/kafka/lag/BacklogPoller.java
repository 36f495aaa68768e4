package io.ecokube.kafka.lag;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.BacklogSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link BacklogSource} at a fixed rate on its own named daemon thread, so the I/O never
 * runs on the engine's decision thread. The latest readings are available at any time through
 * {@link #latest()}, and each poll's readings are handed to a listener as soon as they arrive (the
 * short path from a produce to a wake decision). While every backlog reads zero, an optional cheap
 * probe (for Kafka: one end-offset request, see {@link #forKafka}) can trigger a read before the
 * interval is up, so the first upload after a quiet spell is seen within the probe interval. A
 * listener that throws is logged and polling goes on.
 */
public final class BacklogPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BacklogPoller.class);

  private final BacklogSource source;
  private final Consumer<List<BacklogReading>> listener;
  private final ScheduledExecutorService executor;
  private final AtomicReference<List<BacklogReading>> latest = new AtomicReference<>(List.of());
  private final BooleanSupplier probe;
  private final long intervalNanos;
  private final long probeNanos;
  private long lastReadNanos;
  private boolean first = true;

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
    this(name, source, interval, interval, () -> false, listener);
  }

  /**
   * Polls a Kafka lag source with its settings' poll interval, and, while every backlog reads zero,
   * probes its end offsets every {@code idleProbeInterval} to read at once when something was
   * produced: the short path from a first upload to a wake decision.
   */
  public static BacklogPoller forKafka(
      String name, KafkaLagSource source, Consumer<List<BacklogReading>> listener) {
    KafkaLagSettings s = source.settings();
    return new BacklogPoller(
        name, source, s.pollInterval(), s.idleProbeInterval(), source::endOffsetsMoved, listener);
  }

  /**
   * Starts polling at once, then every {@code interval}; between polls, while every reading shows
   * zero lag, asks {@code probe} every {@code probeInterval} whether to read early.
   *
   * @param name names the thread: {@code ecokube-backlog-<name>}
   * @param probe a cheap check that the backlog may have grown; called on the polling thread
   */
  public BacklogPoller(
      String name,
      BacklogSource source,
      Duration interval,
      Duration probeInterval,
      BooleanSupplier probe,
      Consumer<List<BacklogReading>> listener) {
    this.source = Objects.requireNonNull(source, "source");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.probe = Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(probeInterval, "probeInterval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + interval);
    }
    if (probeInterval.isZero()
        || probeInterval.isNegative()
        || probeInterval.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "probe interval must be positive and at most the poll interval "
              + interval
              + ", got "
              + probeInterval);
    }
    this.intervalNanos = interval.toNanos();
    this.probeNanos = probeInterval.toNanos();
    String threadName = "ecokube-backlog-" + Objects.requireNonNull(name, "name");
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.scheduleAtFixedRate(this::tick, 0, probeNanos, TimeUnit.NANOSECONDS);
  }

  private void tick() {
    long now = System.nanoTime();
    // Half a probe step of slack, so scheduling jitter does not push a due poll to the next tick.
    boolean due = first || now - lastReadNanos >= intervalNanos - probeNanos / 2;
    if (!due && idle()) {
      try {
        due = probe.getAsBoolean();
      } catch (RuntimeException e) {
        LOG.warn("backlog probe failed; waiting for the next poll: {}", e.toString());
      }
    }
    if (due) {
      first = false;
      lastReadNanos = now;
      pollOnce();
    }
  }

  private boolean idle() {
    List<BacklogReading> l = latest.get();
    return !l.isEmpty() && l.stream().allMatch(r -> !r.stale() && r.totalLag() == 0);
  }

  private void pollOnce() {
    List<BacklogReading> readings;
    try {
      readings = source.read();
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
