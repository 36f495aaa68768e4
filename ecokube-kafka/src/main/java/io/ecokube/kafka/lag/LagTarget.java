package io.ecokube.kafka.lag;

import java.util.Objects;

/**
 * One backlog to watch: a topic as consumed by one consumer group.
 *
 * @param topic the topic's name
 * @param group the consumer group's id
 */
public record LagTarget(String topic, String group) {
  /** Validates. */
  public LagTarget {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    if (topic.isBlank()) {
      throw new IllegalArgumentException(
          "lag target: topic must not be blank (group " + group + ")");
    }
    if (group.isBlank()) {
      throw new IllegalArgumentException(
          "lag target: consumer group must not be blank (topic " + topic + ")");
    }
  }

  @Override
  public String toString() {
    return topic + "/" + group;
  }
}
