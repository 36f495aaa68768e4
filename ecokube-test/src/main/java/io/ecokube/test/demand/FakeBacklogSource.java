package io.ecokube.test.demand;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.BacklogSource;
import io.ecokube.api.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A backlog source whose lag a test sets: {@code setLag("uploads", "workers", 1200)} and the next
 * {@link #read()} reports it, stamped with the clock's time; {@link #markStale} makes the topic
 * read as stale (broker unreachable) until its lag is set again. Thread-safe.
 */
public final class FakeBacklogSource implements BacklogSource {
  private record Key(String topic, String group) {}

  private record Entry(long lag, long produced, Optional<String> staleReason) {}

  private final Clock clock;
  private final Map<Key, Entry> entries =
      new TreeMap<>(java.util.Comparator.comparing(Key::topic).thenComparing(Key::group));
  private int reads;

  /** Creates an empty source that stamps readings with {@code clock}. */
  public FakeBacklogSource(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Sets the total lag of a topic for a consumer group (and clears staleness). */
  public synchronized FakeBacklogSource setLag(String topic, String group, long lag) {
    if (lag < 0) {
      throw new IllegalArgumentException("lag of " + topic + "/" + group + " must be >= 0");
    }
    Key k = new Key(topic, group);
    long produced = Optional.ofNullable(entries.get(k)).map(Entry::produced).orElse(0L);
    entries.put(k, new Entry(lag, produced, Optional.empty()));
    return this;
  }

  /** Adds to the records produced so far (the producer rate a forecaster sees). */
  public synchronized FakeBacklogSource addProduced(String topic, String group, long records) {
    if (records < 0) {
      throw new IllegalArgumentException("produced records must be >= 0, got " + records);
    }
    Key k = new Key(topic, group);
    Entry e = entries.getOrDefault(k, new Entry(0, 0, Optional.empty()));
    entries.put(k, new Entry(e.lag(), e.produced() + records, e.staleReason()));
    return this;
  }

  /** Makes a topic read as stale with the given reason until its lag is set again. */
  public synchronized FakeBacklogSource markStale(String topic, String group, String reason) {
    Objects.requireNonNull(reason, "reason");
    Key k = new Key(topic, group);
    Entry e = entries.getOrDefault(k, new Entry(0, 0, Optional.empty()));
    entries.put(k, new Entry(e.lag(), e.produced(), Optional.of(reason)));
    return this;
  }

  /** How many times {@link #read()} was called. */
  public synchronized int reads() {
    return reads;
  }

  @Override
  public synchronized List<BacklogReading> read() {
    reads++;
    return entries.entrySet().stream()
        .map(
            e -> {
              Key k = e.getKey();
              Entry v = e.getValue();
              return v.staleReason().isPresent()
                  ? BacklogReading.stale(k.group(), k.topic(), clock.now(), v.staleReason().get())
                  : new BacklogReading(
                      k.group(),
                      k.topic(),
                      clock.now(),
                      List.of(),
                      v.lag(),
                      v.produced(),
                      Optional.empty());
            })
        .toList();
  }
}
