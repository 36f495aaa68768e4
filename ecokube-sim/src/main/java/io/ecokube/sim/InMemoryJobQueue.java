package io.ecokube.sim;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** A single-partition {@link JobQueue} in memory. Thread-safe. */
public final class InMemoryJobQueue implements JobQueue {
  private final String topic;
  private final String group;
  private final Deque<Job> waiting = new ArrayDeque<>();
  private final Set<String> taken = new HashSet<>();
  private long produced;
  private long acknowledged;

  /** A queue reported as the given topic and consumer group. */
  public InMemoryJobQueue(String topic, String group) {
    this.topic = topic;
    this.group = group;
  }

  @Override
  public synchronized void offer(Job job) {
    waiting.addLast(job);
    produced++;
  }

  @Override
  public synchronized Optional<Job> poll() {
    Job j = waiting.pollFirst();
    if (j != null) {
      taken.add(j.id());
    }
    return Optional.ofNullable(j);
  }

  @Override
  public synchronized void acknowledge(Job job) {
    if (taken.remove(job.id())) {
      acknowledged++;
    }
  }

  @Override
  public synchronized void redeliver(Job job) {
    if (taken.remove(job.id())) {
      waiting.addFirst(job);
    }
  }

  @Override
  public synchronized BacklogReading backlog(Instant now) {
    long lag = produced - acknowledged;
    return new BacklogReading(
        group,
        topic,
        now,
        List.of(new PartitionLag(topic, 0, produced, OptionalLong.of(acknowledged), lag)),
        lag,
        produced,
        Optional.empty());
  }
}
