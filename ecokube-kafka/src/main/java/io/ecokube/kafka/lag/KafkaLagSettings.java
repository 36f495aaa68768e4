package io.ecokube.kafka.lag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link KafkaLagSource} reads consumer lag. The lag-counting options carry the names and
 * meaning of KEDA's Kafka scaler; the scaling options of that scaler ({@code lagThreshold}, {@code
 * activationLagThreshold}, {@code allowIdleConsumers}, {@code limitToPartitionsWithLag}) belong to
 * the workload scaler in ecokube-core, which works on any backlog.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>bootstrapServers</td><td>(required)</td><td>{@code host:port,...} of the brokers</td></tr>
 *   <tr><td>targets</td><td>(at least one)</td><td>(topic, consumer group) pairs to watch</td></tr>
 *   <tr><td>offsetResetPolicy</td><td>LATEST</td><td>lag of a partition without a committed
 *       offset: LATEST counts 1, EARLIEST counts the whole log (KEDA {@code offsetResetPolicy})</td></tr>
 *   <tr><td>scaleToZeroOnInvalidOffset</td><td>false</td><td>a partition without a committed offset
 *       counts 0 under either policy (KEDA {@code scaleToZeroOnInvalidOffset})</td></tr>
 *   <tr><td>excludePersistentLag</td><td>false</td><td>a partition whose committed offset did not
 *       move since the previous poll counts 0 for scaling (a stuck consumer gets no extra
 *       replicas); its real lag still counts for activation (KEDA {@code excludePersistentLag})</td></tr>
 *   <tr><td>pollInterval</td><td>1 s</td><td>how often a {@link BacklogPoller} reads the committed
 *       offsets (one admin request for all groups) and checks the topics' partition counts; also
 *       the step of the produce-rate series. A produce does not wait for it: {@link
 *       BacklogPoller#forKafka} follows the end offsets as they move</td></tr>
 *   <tr><td>requestTimeout</td><td>3 s</td><td>bound on each poll's admin calls; a poll that runs
 *       out reports stale readings. Fetches of the end-offset follower that go unanswered this long
 *       make the poll read the end offsets through the admin client again</td></tr>
 *   <tr><td>rateHistory</td><td>3600</td><td>produce-rate steps kept per target</td></tr>
 *   <tr><td>clientProperties</td><td>none</td><td>extra client properties (TLS, SASL) for the admin
 *       client and the end-offset follower; never logged or printed</td></tr>
 * </table>
 *
 * @param bootstrapServers the brokers
 * @param targets the backlogs to read, at least one, no duplicates
 * @param offsetResetPolicy how a partition without a committed offset counts
 * @param scaleToZeroOnInvalidOffset count such a partition as 0
 * @param excludePersistentLag count a partition whose commit did not move as 0 for scaling
 * @param pollInterval the polling interval, positive
 * @param requestTimeout the bound on one poll's admin calls, positive
 * @param rateHistory produce-rate steps kept, positive
 * @param clientProperties extra AdminClient properties
 */
public record KafkaLagSettings(
    String bootstrapServers,
    List<LagTarget> targets,
    OffsetResetPolicy offsetResetPolicy,
    boolean scaleToZeroOnInvalidOffset,
    boolean excludePersistentLag,
    Duration pollInterval,
    Duration requestTimeout,
    int rateHistory,
    Map<String, String> clientProperties) {

  /** KEDA's default poll is 30 s; Eco-Kube polls every second so a backlog wakes nodes fast. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** Bounds a poll against an unreachable broker; the reading is then stale, never zero. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);

  /** One hour of one-second steps. */
  public static final int DEFAULT_RATE_HISTORY = 3600;

  private static final Set<String> OWNED_CLIENT_PROPERTIES =
      Set.of("bootstrap.servers", "request.timeout.ms", "default.api.timeout.ms");

  /** Validates and copies; messages name the setting, the bad value and what is allowed. */
  public KafkaLagSettings {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(targets, "targets");
    Objects.requireNonNull(offsetResetPolicy, "offsetResetPolicy");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(clientProperties, "clientProperties");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException(
          "kafka lag: bootstrapServers is empty; give host:port of at least one broker");
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          "kafka lag: no targets; add at least one (topic, consumerGroup) pair");
    }
    Set<LagTarget> seen = new HashSet<>();
    for (LagTarget t : targets) {
      if (!seen.add(t)) {
        throw new IllegalArgumentException(
            "kafka lag: target " + t + " is listed twice; list each (topic, group) pair once");
      }
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException(
          "kafka lag: pollInterval must be positive, got " + pollInterval);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "kafka lag: requestTimeout must be positive, got " + requestTimeout);
    }
    if (rateHistory <= 0) {
      throw new IllegalArgumentException(
          "kafka lag: rateHistory must be > 0 steps, got " + rateHistory);
    }
    for (String key : clientProperties.keySet()) {
      if (OWNED_CLIENT_PROPERTIES.contains(key)) {
        throw new IllegalArgumentException(
            "kafka lag: clientProperties must not set "
                + key
                + "; use the bootstrapServers / requestTimeout settings instead");
      }
    }
    targets = List.copyOf(targets);
    clientProperties = Map.copyOf(clientProperties);
  }

  /** A builder with KEDA's defaults. */
  public static Builder builder(String bootstrapServers) {
    return new Builder(bootstrapServers);
  }

  /** Client property values may hold credentials: only their keys are shown. */
  @Override
  public String toString() {
    return "KafkaLagSettings[bootstrapServers="
        + bootstrapServers
        + ", targets="
        + targets
        + ", offsetResetPolicy="
        + offsetResetPolicy
        + ", scaleToZeroOnInvalidOffset="
        + scaleToZeroOnInvalidOffset
        + ", excludePersistentLag="
        + excludePersistentLag
        + ", pollInterval="
        + pollInterval
        + ", requestTimeout="
        + requestTimeout
        + ", rateHistory="
        + rateHistory
        + ", clientProperties="
        + clientProperties.keySet()
        + "]";
  }

  /** Builds {@link KafkaLagSettings}; {@link #build()} validates. */
  public static final class Builder {
    private final String bootstrapServers;
    private final List<LagTarget> targets = new ArrayList<>();
    private OffsetResetPolicy offsetResetPolicy = OffsetResetPolicy.LATEST;
    private boolean scaleToZeroOnInvalidOffset;
    private boolean excludePersistentLag;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int rateHistory = DEFAULT_RATE_HISTORY;
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
    }

    /** Watches a topic as consumed by a group. */
    public Builder target(String topic, String group) {
      targets.add(new LagTarget(topic, group));
      return this;
    }

    /** See {@link OffsetResetPolicy}. */
    public Builder offsetResetPolicy(OffsetResetPolicy policy) {
      this.offsetResetPolicy = policy;
      return this;
    }

    /** Counts partitions without a committed offset as 0. */
    public Builder scaleToZeroOnInvalidOffset(boolean value) {
      this.scaleToZeroOnInvalidOffset = value;
      return this;
    }

    /** Counts partitions whose committed offset did not move since the last poll as 0. */
    public Builder excludePersistentLag(boolean value) {
      this.excludePersistentLag = value;
      return this;
    }

    /** The polling interval. */
    public Builder pollInterval(Duration value) {
      this.pollInterval = value;
      return this;
    }

    /** The bound on one poll's admin calls. */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = value;
      return this;
    }

    /** Produce-rate steps kept per target. */
    public Builder rateHistory(int steps) {
      this.rateHistory = steps;
      return this;
    }

    /** An extra client property (security settings) for the admin client and the follower. */
    public Builder clientProperty(String key, String value) {
      clientProperties.put(key, value);
      return this;
    }

    /** Validates and builds. */
    public KafkaLagSettings build() {
      return new KafkaLagSettings(
          bootstrapServers,
          targets,
          offsetResetPolicy,
          scaleToZeroOnInvalidOffset,
          excludePersistentLag,
          pollInterval,
          requestTimeout,
          rateHistory,
          clientProperties);
    }
  }
}
