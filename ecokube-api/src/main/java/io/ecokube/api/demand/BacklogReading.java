package io.ecokube.api.demand;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One observation of a queue's backlog (a Kafka topic for a consumer group).
 *
 * @param group the consumer group
 * @param topic the topic
 * @param observedAt when it was read
 * @param partitions per-partition lag, every partition the topic has now
 * @param totalLag the lag counted for scaling (sum over the counted partitions)
 * @param producedRecords the topic's total end offset (sum over partitions); its change over time
 *     is the produce rate
 * @param staleReason why this reading cannot be trusted (topic gone, group unknown, broker
 *     unreachable); a stale reading blocks scale-down and is never read as zero lag
 */
public record BacklogReading(
    String group,
    String topic,
    Instant observedAt,
    List<PartitionLag> partitions,
    long totalLag,
    long producedRecords,
    Optional<String> staleReason) {

  /** Validates and copies. */
  public BacklogReading {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(observedAt, "observedAt");
    partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
    Objects.requireNonNull(staleReason, "staleReason");
    if (totalLag < 0 || producedRecords < 0) {
      throw new IllegalArgumentException("backlog of " + topic + "/" + group + " is negative");
    }
  }

  /** A reading that says the backlog is not known, and why. */
  public static BacklogReading stale(String group, String topic, Instant at, String reason) {
    return new BacklogReading(group, topic, at, List.of(), 0, 0, Optional.of(reason));
  }

  /** Whether this reading cannot be trusted. */
  public boolean stale() {
    return staleReason.isPresent();
  }

  /** The number of partitions the topic has. */
  public int partitionCount() {
    return partitions.size();
  }
}
