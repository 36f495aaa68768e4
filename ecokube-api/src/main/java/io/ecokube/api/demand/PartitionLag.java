package io.ecokube.api.demand;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The backlog of one partition for one consumer group.
 *
 * @param topic the topic
 * @param partition the partition number
 * @param logEndOffset the offset the next produced record will get
 * @param committedOffset the group's committed offset; empty when the group never committed here
 * @param lag the lag as counted for scaling (see the source's offset-reset policy for partitions
 *     without a committed offset), >= 0
 */
public record PartitionLag(
    String topic, int partition, long logEndOffset, OptionalLong committedOffset, long lag) {
  /** Validates. */
  public PartitionLag {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(committedOffset, "committedOffset");
    if (partition < 0 || logEndOffset < 0 || lag < 0) {
      throw new IllegalArgumentException(
          "partition lag of " + topic + "-" + partition + " has a negative field");
    }
  }
}
