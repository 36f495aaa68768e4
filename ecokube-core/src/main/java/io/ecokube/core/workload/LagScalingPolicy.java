package io.ecokube.core.workload;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import java.time.Duration;
import java.util.Objects;

/**
 * How one workload follows one backlog, with the semantics of KEDA's Kafka scaler driving an HPA.
 * Works on any {@link io.ecokube.api.demand.BacklogReading}: nothing here knows Kafka.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>topic, group</td><td>(required)</td><td>which backlog reading drives the workload</td></tr>
 *   <tr><td>podTemplate</td><td>(required)</td><td>what each pod requests; the engine places the
 *       desired pods before they exist</td></tr>
 *   <tr><td>lagThreshold</td><td>10</td><td>target lag per replica: desired = ceil(lag /
 *       lagThreshold) (KEDA {@code lagThreshold}, an HPA AverageValue target); > 0</td></tr>
 *   <tr><td>activationLagThreshold</td><td>0</td><td>the workload leaves zero only when the lag,
 *       persistent lag included, is greater than this (KEDA {@code activationLagThreshold}); >= 0</td></tr>
 *   <tr><td>minReplicas / maxReplicas</td><td>0 / 100</td><td>bounds (KEDA {@code minReplicaCount} /
 *       {@code maxReplicaCount})</td></tr>
 *   <tr><td>allowIdleConsumers</td><td>false</td><td>when false, replicas never exceed the partition
 *       count: a consumer beyond it would own no partition (KEDA {@code allowIdleConsumers})</td></tr>
 *   <tr><td>limitToPartitionsWithLag</td><td>false</td><td>replicas never exceed the number of
 *       partitions with lag (KEDA {@code limitToPartitionsWithLag}); cannot be combined with
 *       allowIdleConsumers</td></tr>
 *   <tr><td>cooldownPeriod</td><td>300 s</td><td>how long after the backlog was last active the
 *       workload scales to zero (KEDA {@code cooldownPeriod})</td></tr>
 *   <tr><td>scaleUpStabilization</td><td>0 s</td><td>scale-up takes the minimum recommendation over
 *       this window (HPA {@code behavior.scaleUp.stabilizationWindowSeconds})</td></tr>
 *   <tr><td>scaleDownStabilization</td><td>300 s</td><td>scale-down takes the maximum recommendation
 *       over this window (HPA {@code behavior.scaleDown.stabilizationWindowSeconds})</td></tr>
 *   <tr><td>priority</td><td>0</td><td>the pods' priority for the engine's budget policies</td></tr>
 * </table>
 *
 * @param workload the workload to scale
 * @param topic the backlog's topic
 * @param group the backlog's consumer group
 * @param podTemplate what each pod needs
 * @param priority the pods' priority
 * @param lagThreshold target lag per replica, > 0
 * @param activationLagThreshold lag above which a workload at zero starts, >= 0
 * @param minReplicas the fewest replicas, >= 0
 * @param maxReplicas the most replicas, >= max(1, minReplicas)
 * @param allowIdleConsumers allow more replicas than partitions
 * @param limitToPartitionsWithLag cap replicas at the partitions that have lag
 * @param cooldownPeriod time after the last activity before scaling to zero, >= 0
 * @param scaleUpStabilization scale-up stabilisation window, >= 0
 * @param scaleDownStabilization scale-down stabilisation window, >= 0
 */
public record LagScalingPolicy(
    WorkloadRef workload,
    String topic,
    String group,
    SchedulingRequirements podTemplate,
    int priority,
    long lagThreshold,
    long activationLagThreshold,
    int minReplicas,
    int maxReplicas,
    boolean allowIdleConsumers,
    boolean limitToPartitionsWithLag,
    Duration cooldownPeriod,
    Duration scaleUpStabilization,
    Duration scaleDownStabilization) {

  /** KEDA's default {@code lagThreshold}. */
  public static final long DEFAULT_LAG_THRESHOLD = 10;

  /** KEDA's default {@code maxReplicaCount}. */
  public static final int DEFAULT_MAX_REPLICAS = 100;

  /** KEDA's default {@code cooldownPeriod}. */
  public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(300);

  /** The HPA's default scale-down stabilisation window. */
  public static final Duration DEFAULT_SCALE_DOWN_STABILIZATION = Duration.ofSeconds(300);

  /** Validates; every message names the workload, the setting and the bad value. */
  public LagScalingPolicy {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(podTemplate, "podTemplate");
    Objects.requireNonNull(cooldownPeriod, "cooldownPeriod");
    Objects.requireNonNull(scaleUpStabilization, "scaleUpStabilization");
    Objects.requireNonNull(scaleDownStabilization, "scaleDownStabilization");
    String where = "workload " + workload + ": ";
    if (topic.isBlank() || group.isBlank()) {
      throw new IllegalArgumentException(
          where
              + "topic and group must not be blank (topic='"
              + topic
              + "', group='"
              + group
              + "')");
    }
    if (lagThreshold <= 0) {
      throw new IllegalArgumentException(
          where + "lagThreshold must be a positive number, got " + lagThreshold);
    }
    if (activationLagThreshold < 0) {
      throw new IllegalArgumentException(
          where + "activationLagThreshold must be >= 0, got " + activationLagThreshold);
    }
    if (minReplicas < 0) {
      throw new IllegalArgumentException(where + "minReplicas must be >= 0, got " + minReplicas);
    }
    if (maxReplicas < Math.max(1, minReplicas)) {
      throw new IllegalArgumentException(
          where
              + "maxReplicas must be >= 1 and >= minReplicas ("
              + minReplicas
              + "), got "
              + maxReplicas);
    }
    if (allowIdleConsumers && limitToPartitionsWithLag) {
      throw new IllegalArgumentException(
          where
              + "allowIdleConsumers and limitToPartitionsWithLag cannot be set together (KEDA"
              + " rejects it too): the first lifts the partition cap, the second tightens it;"
              + " choose one");
    }
    requireNotNegative(where, "cooldownPeriod", cooldownPeriod);
    requireNotNegative(where, "scaleUpStabilization", scaleUpStabilization);
    requireNotNegative(where, "scaleDownStabilization", scaleDownStabilization);
  }

  private static void requireNotNegative(String where, String name, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(where + name + " must be >= 0, got " + d);
    }
  }

  /** A builder with KEDA's and the HPA's defaults. */
  public static Builder builder(
      WorkloadRef workload, String topic, String group, SchedulingRequirements podTemplate) {
    return new Builder(workload, topic, group, podTemplate);
  }

  /** Builds a {@link LagScalingPolicy}; {@link #build()} validates. */
  public static final class Builder {
    private final WorkloadRef workload;
    private final String topic;
    private final String group;
    private final SchedulingRequirements podTemplate;
    private int priority;
    private long lagThreshold = DEFAULT_LAG_THRESHOLD;
    private long activationLagThreshold;
    private int minReplicas;
    private int maxReplicas = DEFAULT_MAX_REPLICAS;
    private boolean allowIdleConsumers;
    private boolean limitToPartitionsWithLag;
    private Duration cooldownPeriod = DEFAULT_COOLDOWN;
    private Duration scaleUpStabilization = Duration.ZERO;
    private Duration scaleDownStabilization = DEFAULT_SCALE_DOWN_STABILIZATION;

    private Builder(
        WorkloadRef workload, String topic, String group, SchedulingRequirements podTemplate) {
      this.workload = workload;
      this.topic = topic;
      this.group = group;
      this.podTemplate = podTemplate;
    }

    /** The pods' priority. */
    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    /** Target lag per replica. */
    public Builder lagThreshold(long value) {
      this.lagThreshold = value;
      return this;
    }

    /** Lag above which a workload at zero starts. */
    public Builder activationLagThreshold(long value) {
      this.activationLagThreshold = value;
      return this;
    }

    /** The fewest replicas. */
    public Builder minReplicas(int value) {
      this.minReplicas = value;
      return this;
    }

    /** The most replicas. */
    public Builder maxReplicas(int value) {
      this.maxReplicas = value;
      return this;
    }

    /** Allow more replicas than partitions. */
    public Builder allowIdleConsumers(boolean value) {
      this.allowIdleConsumers = value;
      return this;
    }

    /** Cap replicas at the number of partitions with lag. */
    public Builder limitToPartitionsWithLag(boolean value) {
      this.limitToPartitionsWithLag = value;
      return this;
    }

    /** Time after the last activity before scaling to zero. */
    public Builder cooldownPeriod(Duration value) {
      this.cooldownPeriod = value;
      return this;
    }

    /** Scale-up stabilisation window. */
    public Builder scaleUpStabilization(Duration value) {
      this.scaleUpStabilization = value;
      return this;
    }

    /** Scale-down stabilisation window. */
    public Builder scaleDownStabilization(Duration value) {
      this.scaleDownStabilization = value;
      return this;
    }

    /** Validates and builds. */
    public LagScalingPolicy build() {
      return new LagScalingPolicy(
          workload,
          topic,
          group,
          podTemplate,
          priority,
          lagThreshold,
          activationLagThreshold,
          minReplicas,
          maxReplicas,
          allowIdleConsumers,
          limitToPartitionsWithLag,
          cooldownPeriod,
          scaleUpStabilization,
          scaleDownStabilization);
    }
  }
}
