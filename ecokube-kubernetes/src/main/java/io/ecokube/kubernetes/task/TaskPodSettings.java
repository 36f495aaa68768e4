package io.ecokube.kubernetes.task;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link TaskPodRunner} runs tasks.
 *
 * @param namespace where worker pods and task records (ConfigMaps) live
 * @param templates workload name, as scale events name it, to its worker pod template
 * @param concurrency how many worker pods may be unfinished at once across all tasks, > 0
 * @param attempts tries per worker: a failed worker is started again until this many failed, > 0
 * @param timeToLive longest a worker pod may run ({@code activeDeadlineSeconds}); one that runs
 *     longer fails (and is retried); empty: no limit
 * @param finishedRetention how long a finished task's record is kept: an event redelivered within
 *     it (a consumer died before acknowledging) is a duplicate, not a new task; positive
 */
public record TaskPodSettings(
    String namespace,
    Map<String, TaskTemplate> templates,
    int concurrency,
    int attempts,
    Optional<Duration> timeToLive,
    Duration finishedRetention) {
  /** Default of {@link #concurrency()}. */
  public static final int DEFAULT_CONCURRENCY = 50;

  /** Default of {@link #attempts()}. */
  public static final int DEFAULT_ATTEMPTS = 3;

  /** Default of {@link #finishedRetention()}. */
  public static final Duration DEFAULT_FINISHED_RETENTION = Duration.ofHours(24);

  /** Validates and copies. */
  public TaskPodSettings {
    Objects.requireNonNull(namespace, "namespace");
    templates = Map.copyOf(templates);
    Objects.requireNonNull(timeToLive, "timeToLive");
    Objects.requireNonNull(finishedRetention, "finishedRetention");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("task pods: namespace is blank");
    }
    if (templates.isEmpty()) {
      throw new IllegalArgumentException(
          "task pods: no workload has a pod template, so every task would be rejected");
    }
    if (concurrency <= 0 || attempts <= 0) {
      throw new IllegalArgumentException(
          "task pods: concurrency and attempts must be > 0, got " + concurrency + ", " + attempts);
    }
    if (timeToLive.isPresent() && timeToLive.get().getSeconds() < 1) {
      throw new IllegalArgumentException(
          "task pods: timeToLive must be at least 1s, got " + timeToLive.get());
    }
    if (finishedRetention.isZero() || finishedRetention.isNegative()) {
      throw new IllegalArgumentException(
          "task pods: finishedRetention must be positive, got " + finishedRetention);
    }
  }

  /** A builder for the namespace, with the defaults above. */
  public static Builder builder(String namespace) {
    return new Builder(namespace);
  }

  /** Builds {@link TaskPodSettings}. */
  public static final class Builder {
    private final String namespace;
    private final Map<String, TaskTemplate> templates = new LinkedHashMap<>();
    private int concurrency = DEFAULT_CONCURRENCY;
    private int attempts = DEFAULT_ATTEMPTS;
    private Optional<Duration> timeToLive = Optional.empty();
    private Duration finishedRetention = DEFAULT_FINISHED_RETENTION;

    private Builder(String namespace) {
      this.namespace = namespace;
    }

    /** The worker template of a workload named in scale events. */
    public Builder template(String workload, TaskTemplate template) {
      templates.put(workload, template);
      return this;
    }

    /** Worker pods unfinished at once. */
    public Builder concurrency(int value) {
      this.concurrency = value;
      return this;
    }

    /** Tries per worker. */
    public Builder attempts(int value) {
      this.attempts = value;
      return this;
    }

    /** Longest a worker pod runs. */
    public Builder timeToLive(Duration value) {
      this.timeToLive = Optional.of(value);
      return this;
    }

    /** How long a finished task's record is kept. */
    public Builder finishedRetention(Duration value) {
      this.finishedRetention = value;
      return this;
    }

    /** Validates and builds. */
    public TaskPodSettings build() {
      return new TaskPodSettings(
          namespace, templates, concurrency, attempts, timeToLive, finishedRetention);
    }
  }
}
