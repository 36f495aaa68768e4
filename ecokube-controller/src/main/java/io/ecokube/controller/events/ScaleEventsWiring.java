package io.ecokube.controller.events;

import io.ecokube.api.demand.DeduplicatingScaleEventHandler;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ScaleEvents;
import io.ecokube.controller.demand.KafkaDemandWiring;
import io.ecokube.kafka.events.ScaleEventConsumer;
import io.ecokube.kafka.events.ScaleEventConsumerSettings;
import io.ecokube.kubernetes.task.TaskOutcome;
import io.ecokube.kubernetes.task.TaskPodRunner;
import io.ecokube.kubernetes.task.TaskPodSettings;
import io.ecokube.redis.RedisScaleEventSettings;
import io.ecokube.redis.RedisScaleEventSource;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the config's {@code demand.scaleEvents} section into running parts: one {@link
 * TaskPodRunner} (it adopts what an earlier leader left), and a Redis Stream source and/or a Kafka
 * consumer feeding it through one de-duplication by task id. Both sources acknowledge an event only
 * after the runner recorded its task in the cluster. Only the leader runs this.
 *
 * <p>Metrics: {@code ecokube.tasks.finished{result}}, {@code ecokube.tasks.workers{result}}, {@code
 * ecokube.tasks.retries}, per transport {@code ecokube.scale.events{transport, fate}}, and {@code
 * ecokube.scale.events.connected{transport=redis}}.
 */
public final class ScaleEventsWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScaleEventsWiring.class);

  private final TaskPodRunner tasks;
  private final Optional<RedisScaleEventSource> redis;
  private final Optional<ScaleEventConsumer> kafka;
  private final MeterRegistry registry;
  private final List<Meter> meters;

  private ScaleEventsWiring(
      TaskPodRunner tasks,
      Optional<RedisScaleEventSource> redis,
      Optional<ScaleEventConsumer> kafka,
      MeterRegistry registry,
      List<Meter> meters) {
    this.tasks = tasks;
    this.redis = redis;
    this.kafka = kafka;
    this.registry = registry;
    this.meters = meters;
  }

  /**
   * Starts the runner, then the sources.
   *
   * @param section the config section
   * @param client the Kubernetes client
   * @param namespace the controller's namespace (tasks run there unless the section names one)
   * @param secrets resolves the Redis password and the Kafka SASL password
   * @param clock stamps task records
   * @param registry where the task and event metrics go
   * @param outcomes also told of every task outcome (the controller posts it as an Event)
   * @throws IllegalStateException when a Kafka dead-letter topic is configured but missing
   */
  public static ScaleEventsWiring start(
      ScaleEvents section,
      ApiClient client,
      String namespace,
      SecretResolver secrets,
      Clock clock,
      MeterRegistry registry,
      Consumer<TaskOutcome> outcomes) {
    Consumer<TaskOutcome> counted = count(registry).andThen(outcomes);
    TaskPodRunner runner =
        new TaskPodRunner(client, taskSettings(section, namespace), clock, counted);
    runner.start();
    ScaleEventHandler handler = new DeduplicatingScaleEventHandler(runner);
    ScaleEventDecoder decoder = decoder(section);
    Optional<RedisScaleEventSource> redis = Optional.empty();
    Optional<ScaleEventConsumer> kafka = Optional.empty();
    List<Meter> meters = new ArrayList<>();
    try {
      if (section.redis().isPresent()) {
        RedisScaleEventSettings rs = redisSettings(section.redis().get(), decoder);
        RedisScaleEventSource source = RedisScaleEventSource.start(rs, handler, secrets, clock);
        redis = Optional.of(source);
        bind(meters, registry, "redis", source, c -> c.counts().accepted(), "accepted");
        bind(meters, registry, "redis", source, c -> c.counts().duplicates(), "duplicate");
        bind(meters, registry, "redis", source, c -> c.counts().deadLettered(), "dead_lettered");
        // Why it is not reading (refused, WRONGPASS, untrusted certificate) is in its status and
        // log.
        meters.add(
            Gauge.builder(
                    "ecokube.scale.events.connected", source, c -> c.status().connected() ? 1 : 0)
                .tag("transport", "redis")
                .description("1 while the Redis source is connected and reading its group")
                .register(registry));
        LOG.info(
            "task pods for scale events on Redis stream {} at {}:{} (group {})",
            rs.stream(),
            rs.host(),
            rs.port(),
            rs.group());
      }
      if (section.kafka().isPresent()) {
        ScaleEventConsumerSettings ks = kafkaSettings(section.kafka().get(), decoder, secrets);
        ScaleEventConsumer consumer = ScaleEventConsumer.start(ks, handler);
        kafka = Optional.of(consumer);
        bind(meters, registry, "kafka", consumer, c -> c.counts().accepted(), "accepted");
        bind(meters, registry, "kafka", consumer, c -> c.counts().duplicates(), "duplicate");
        bind(meters, registry, "kafka", consumer, c -> c.counts().deadLettered(), "dead_lettered");
        LOG.info(
            "task pods for scale events on Kafka topic {} (group {})", ks.topic(), ks.groupId());
      }
    } catch (RuntimeException e) {
      redis.ifPresent(RedisScaleEventSource::close);
      runner.close();
      throw e;
    }
    return new ScaleEventsWiring(runner, redis, kafka, registry, meters);
  }

  /** The runner's settings: namespace, templates, concurrency, attempts, time-to-live. */
  public static TaskPodSettings taskSettings(ScaleEvents section, String namespace) {
    ScaleEvents.Tasks t = section.tasks();
    TaskPodSettings.Builder b =
        TaskPodSettings.builder(t.namespace().orElse(namespace))
            .concurrency(t.concurrency())
            .attempts(t.attempts())
            .finishedRetention(t.finishedRetention());
    t.timeToLive().ifPresent(b::timeToLive);
    t.workloads().forEach((name, pod) -> b.template(name, TaskTemplates.of(name, pod)));
    return b.build();
  }

  /** How both transports decode: the default workload and the pod-count bound. */
  public static ScaleEventDecoder decoder(ScaleEvents section) {
    return ScaleEventDecoder.strict()
        .withDefaultWorkload(section.defaultWorkload())
        .withMaxPodCount(section.maxPodsPerEvent());
  }

  /** The Redis source's settings for the section. */
  public static RedisScaleEventSettings redisSettings(
      ScaleEvents.Redis r, ScaleEventDecoder decoder) {
    RedisScaleEventSettings.Builder b =
        RedisScaleEventSettings.builder(r.host(), r.port()).stream(r.stream())
            .group(r.group())
            .startFrom(
                r.wholeStream()
                    ? RedisScaleEventSettings.StartFrom.WHOLE_STREAM
                    : RedisScaleEventSettings.StartFrom.NEW_EVENTS)
            .database(r.database())
            .tls(r.tls())
            .tlsVerifyHostname(r.tlsVerifyHostname())
            .decoder(decoder);
    r.consumer().ifPresent(b::consumer);
    r.deadLetterStream().ifPresent(b::deadLetterStream);
    r.claimIdle().ifPresent(b::claimIdle);
    r.maxAttempts().ifPresent(b::maxAttempts);
    r.tlsCaCertificate().ifPresent(b::tlsCaCertificate);
    if (r.username().isPresent()) {
      b.user(r.username().get(), r.password().orElseThrow());
    } else {
      r.password().ifPresent(b::password);
    }
    return b.build();
  }

  /** The Kafka consumer's settings for the section, the SASL password resolved. */
  public static ScaleEventConsumerSettings kafkaSettings(
      ScaleEvents.Kafka k, ScaleEventDecoder decoder, SecretResolver secrets) {
    ScaleEventConsumerSettings.Builder b =
        ScaleEventConsumerSettings.builder(k.bootstrapServers(), k.topic(), k.group())
            .maxAttempts(k.maxAttempts())
            .decoder(decoder);
    k.deadLetterTopic().ifPresent(b::deadLetterTopic);
    k.clientProperties().forEach(b::clientProperty);
    for (Map.Entry<String, String> e :
        KafkaDemandWiring.saslProperties(k.sasl(), k.clientProperties(), secrets).entrySet()) {
      b.clientProperty(e.getKey(), e.getValue());
    }
    return b.build();
  }

  private static Consumer<TaskOutcome> count(MeterRegistry registry) {
    Counter ok =
        tasks(registry, "ecokube.tasks.finished", "succeeded", "tasks whose workers all completed");
    Counter failed =
        tasks(registry, "ecokube.tasks.finished", "failed", "tasks with a failed worker");
    Counter workersOk =
        tasks(registry, "ecokube.tasks.workers", "succeeded", "workers that completed");
    Counter workersFailed =
        tasks(registry, "ecokube.tasks.workers", "failed", "workers that failed every attempt");
    Counter retries =
        Counter.builder("ecokube.tasks.retries")
            .description("extra attempts of failed workers")
            .register(registry);
    return o -> {
      (o.successful() ? ok : failed).increment();
      workersOk.increment(o.succeeded());
      workersFailed.increment(o.failed());
      retries.increment(o.retries());
    };
  }

  private static Counter tasks(MeterRegistry r, String name, String result, String description) {
    return Counter.builder(name).tag("result", result).description(description).register(r);
  }

  /** Removed again at close: the next leader term binds its own sources. */
  private static <T> void bind(
      List<Meter> meters,
      MeterRegistry registry,
      String transport,
      T source,
      ToLongFunction<T> f,
      String fate) {
    meters.add(
        FunctionCounter.builder("ecokube.scale.events", source, s -> f.applyAsLong(s))
            .tag("transport", transport)
            .tag("fate", fate)
            .description("scale events by transport and what became of them")
            .register(registry));
  }

  /** The task runner (for tests and health). */
  public TaskPodRunner tasks() {
    return tasks;
  }

  /** The Redis source, when configured. */
  public Optional<RedisScaleEventSource> redis() {
    return redis;
  }

  /** The Kafka consumer, when configured. */
  public Optional<ScaleEventConsumer> kafka() {
    return kafka;
  }

  /**
   * Stops the sources first (an event in hand stays unacknowledged), then the runner; tasks and
   * their pods stay for the next leader.
   */
  @Override
  public void close() {
    redis.ifPresent(RedisScaleEventSource::close);
    kafka.ifPresent(ScaleEventConsumer::close);
    tasks.close();
    meters.forEach(registry::remove);
  }
}
