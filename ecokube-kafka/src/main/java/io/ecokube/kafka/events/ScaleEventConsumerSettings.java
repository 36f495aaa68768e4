package io.ecokube.kafka.events;

import io.ecokube.api.demand.ScaleEventDecoder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link ScaleEventConsumer} reads scale events.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bootstrapServers</td><td>(required)</td><td>{@code host:port,...} of the brokers</td></tr>
 *   <tr><td>topic</td><td>(required)</td><td>the topic the events arrive on</td></tr>
 *   <tr><td>groupId</td><td>(required)</td><td>the consumer group; its committed offsets say which
 *       events were handled</td></tr>
 *   <tr><td>deadLetterTopic</td><td>none</td><td>where malformed and rejected events go (with the
 *       reason and their origin in headers); it must exist when the consumer starts; without it
 *       they are logged and kept in the consumer's bounded {@code DeadLetterLog}</td></tr>
 *   <tr><td>pollTimeout</td><td>500 ms</td><td>longest wait in one poll</td></tr>
 *   <tr><td>retryBackoff</td><td>1 s</td><td>wait before redelivering an event whose handler
 *       threw</td></tr>
 *   <tr><td>maxAttempts</td><td>5</td><td>handler failures before an event is dead-lettered and
 *       skipped, so one bad event never stops the stream; also the attempts to send one record to
 *       the dead-letter topic before it is kept in the {@code DeadLetterLog} instead</td></tr>
 *   <tr><td>decoder</td><td>{@link ScaleEventDecoder#strict()}</td><td>default workload for events
 *       without one, and the pod-count bound</td></tr>
 *   <tr><td>clientProperties</td><td>none</td><td>extra consumer/producer properties (TLS, SASL);
 *       never logged</td></tr>
 * </table>
 *
 * @param bootstrapServers the brokers
 * @param topic the event topic
 * @param groupId the consumer group
 * @param deadLetterTopic where bad events go, if anywhere
 * @param pollTimeout the longest wait in one poll, positive
 * @param retryBackoff the wait before retrying a failed handler, positive
 * @param maxAttempts handler attempts per event, > 0
 * @param clientProperties extra client properties
 * @param decoder how records become events
 */
public record ScaleEventConsumerSettings(
    String bootstrapServers,
    String topic,
    String groupId,
    Optional<String> deadLetterTopic,
    Duration pollTimeout,
    Duration retryBackoff,
    int maxAttempts,
    Map<String, String> clientProperties,
    ScaleEventDecoder decoder) {

  private static final Set<String> OWNED =
      Set.of(
          "bootstrap.servers",
          "group.id",
          "enable.auto.commit",
          "key.deserializer",
          "value.deserializer",
          "key.serializer",
          "value.serializer");

  /** Validates and copies. */
  public ScaleEventConsumerSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(clientProperties, "clientProperties");
    Objects.requireNonNull(decoder, "decoder");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("scale events: bootstrapServers is empty; give host:port");
    }
    if (topic.isBlank() || groupId.isBlank()) {
      throw new IllegalArgumentException(
          "scale events: topic and groupId must not be blank (topic='"
              + topic
              + "', groupId='"
              + groupId
              + "')");
    }
    if (deadLetterTopic.isPresent()
        && (deadLetterTopic.get().isBlank() || deadLetterTopic.get().equals(topic))) {
      throw new IllegalArgumentException(
          "scale events: deadLetterTopic '"
              + deadLetterTopic.get()
              + "' must be a non-blank topic other than the event topic "
              + topic);
    }
    if (pollTimeout.isZero() || pollTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "scale events: pollTimeout must be positive, got " + pollTimeout);
    }
    if (retryBackoff.isZero() || retryBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "scale events: retryBackoff must be positive, got " + retryBackoff);
    }
    if (maxAttempts <= 0) {
      throw new IllegalArgumentException(
          "scale events: maxAttempts must be > 0, got " + maxAttempts);
    }
    for (String key : clientProperties.keySet()) {
      if (OWNED.contains(key)) {
        throw new IllegalArgumentException(
            "scale events: clientProperties must not set " + key + "; the consumer owns it");
      }
    }
    clientProperties = Map.copyOf(clientProperties);
  }

  /** A builder with the defaults above. */
  public static Builder builder(String bootstrapServers, String topic, String groupId) {
    return new Builder(bootstrapServers, topic, groupId);
  }

  /** Client property values may hold credentials: only their keys are shown. */
  @Override
  public String toString() {
    return "ScaleEventConsumerSettings[bootstrapServers="
        + bootstrapServers
        + ", topic="
        + topic
        + ", groupId="
        + groupId
        + ", deadLetterTopic="
        + deadLetterTopic.orElse("none")
        + ", pollTimeout="
        + pollTimeout
        + ", retryBackoff="
        + retryBackoff
        + ", maxAttempts="
        + maxAttempts
        + ", clientProperties="
        + clientProperties.keySet()
        + ", decoder="
        + decoder
        + "]";
  }

  /** Builds {@link ScaleEventConsumerSettings}. */
  public static final class Builder {
    private final String bootstrapServers;
    private final String topic;
    private final String groupId;
    private Optional<String> deadLetterTopic = Optional.empty();
    private Duration pollTimeout = Duration.ofMillis(500);
    private Duration retryBackoff = Duration.ofSeconds(1);
    private int maxAttempts = 5;
    private final Map<String, String> clientProperties = new LinkedHashMap<>();
    private ScaleEventDecoder decoder = ScaleEventDecoder.strict();

    private Builder(String bootstrapServers, String topic, String groupId) {
      this.bootstrapServers = bootstrapServers;
      this.topic = topic;
      this.groupId = groupId;
    }

    /** Sends malformed and rejected events to this topic. */
    public Builder deadLetterTopic(String value) {
      this.deadLetterTopic = Optional.of(value);
      return this;
    }

    /** The longest wait in one poll. */
    public Builder pollTimeout(Duration value) {
      this.pollTimeout = value;
      return this;
    }

    /** The wait before retrying a failed handler. */
    public Builder retryBackoff(Duration value) {
      this.retryBackoff = value;
      return this;
    }

    /** Handler attempts before an event is dead-lettered. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /** An extra client property. */
    public Builder clientProperty(String key, String value) {
      clientProperties.put(key, value);
      return this;
    }

    /** How records become events: default workload, pod-count bound. */
    public Builder decoder(ScaleEventDecoder value) {
      this.decoder = value;
      return this;
    }

    /** Validates and builds. */
    public ScaleEventConsumerSettings build() {
      return new ScaleEventConsumerSettings(
          bootstrapServers,
          topic,
          groupId,
          deadLetterTopic,
          pollTimeout,
          retryBackoff,
          maxAttempts,
          clientProperties,
          decoder);
    }
  }
}
