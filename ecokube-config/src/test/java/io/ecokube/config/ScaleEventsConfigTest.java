package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.core.driver.DriverRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScaleEventsConfigTest {
  private final DriverRegistry registry =
      DriverRegistry.builder().secrets(SecretResolver.inMemory(Map.of())).build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  static final String SECTION =
      """
      demand:
        scaleEvents:
          maxPodsPerEvent: 20
          redis:
            host: redis.example
            port: 6380
            username: ecokube
            password: "file:/etc/ecokube/redis-password"
            tlsCaCertificate: /etc/ecokube/redis-ca.pem
            claimIdle: 30s
          kafka:
            bootstrapServers: "kafka-0:9092"
            topic: tasks
            deadLetterTopic: tasks.dlt
          tasks:
            namespace: workers
            concurrency: 3
            attempts: 2
            timeToLive: 30m
            workloads:
              otto-agent:
                image: busybox:latest
                command: [sh, -c, "echo work"]
                env: {MODE: build}
                requests: {cpu: 100m, memory: 64Mi}
                tolerations: [{key: dedicated, value: workers, effect: NoSchedule}]
              big:
                podTemplate: big-worker
      """;

  @Test
  void bothTransportsAndTheTaskTemplatesLoad() {
    ScaleEvents s = loader.parse(SECTION, "s.yaml").scaleEvents().orElseThrow();
    assertThat(s.defaultWorkload()).isEqualTo("otto-agent");
    assertThat(s.maxPodsPerEvent()).isEqualTo(20);
    ScaleEvents.Redis r = s.redis().orElseThrow();
    assertThat(r.host()).isEqualTo("redis.example");
    assertThat(r.port()).isEqualTo(6380);
    assertThat(r.stream()).isEqualTo("otto:scale:events");
    assertThat(r.tls()).isTrue();
    assertThat(r.claimIdle()).contains(Duration.ofSeconds(30));
    assertThat(r.password()).hasValueSatisfying(p -> assertThat(p.scheme()).isEqualTo("file"));
    ScaleEvents.Kafka k = s.kafka().orElseThrow();
    assertThat(k.topic()).isEqualTo("tasks");
    assertThat(k.group()).isEqualTo("ecokube-controller-tasks");
    assertThat(k.deadLetterTopic()).contains("tasks.dlt");
    ScaleEvents.Tasks t = s.tasks();
    assertThat(t.namespace()).contains("workers");
    assertThat(t.concurrency()).isEqualTo(3);
    assertThat(t.attempts()).isEqualTo(2);
    assertThat(t.timeToLive()).contains(Duration.ofMinutes(30));
    assertThat(t.finishedRetention()).isEqualTo(Duration.ofHours(24));
    ScaleEvents.TaskPod otto = t.workloads().get("otto-agent");
    assertThat(otto.image()).contains("busybox:latest");
    assertThat(otto.command()).containsExactly("sh", "-c", "echo work");
    assertThat(otto.requests()).containsEntry("cpu", "100m").containsEntry("memory", "64Mi");
    assertThat(otto.tolerations())
        .containsExactly(
            new Toleration(
                Optional.of("dedicated"),
                Toleration.Operator.EQUAL,
                "workers",
                Optional.of(TaintEffect.NO_SCHEDULE)));
    assertThat(t.workloads().get("big").podTemplate()).contains("big-worker");
  }

  @Test
  void noScaleEventsSectionMeansNone() {
    assertThat(loader.parse("demand: {}\n", "e.yaml").scaleEvents()).isEmpty();
  }

  @Test
  void everyProblemOfTheSectionIsReportedAtOnceWithItsPlace() {
    String bad =
        SECTION
            .replace("port: 6380", "port: 70000")
            .replace("\"file:/etc/ecokube/redis-password\"", "hunter2")
            .replace("claimIdle: 30s", "claimIdle: soon\n      startFrom: yesterday")
            .replace("topic: tasks\n", "topic: tasks\n      maxAtempts: 3\n")
            .replace("concurrency: 3", "concurrency: 0")
            .replace("{cpu: 100m, memory: 64Mi}", "{cpu: lots, memory: 64Mi}")
            .replace("effect: NoSchedule", "effect: Never")
            .replace("podTemplate: big-worker", "podTemplate: big-worker\n          image: x");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(bad, "b"));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "demand.scaleEvents.redis.port: '70000' is out of range; allowed 1..65535",
            "demand.scaleEvents.redis.password: looks like an inline secret (value not shown);"
                + " write a reference instead: file:/path/to/secret or env:VARIABLE_NAME",
            "demand.scaleEvents.redis.claimIdle: 'soon' is not a duration; use e.g. 500ms, 30s,"
                + " 10m, 2h, 1d or PT30S",
            "demand.scaleEvents.redis.startFrom: 'yesterday' is not allowed; use one of"
                + " [new-events, whole-stream]",
            "demand.scaleEvents.kafka.maxAtempts: unknown field; did you mean 'maxAttempts'?",
            "demand.scaleEvents.tasks.concurrency: '0' is out of range; allowed 1..100000",
            "demand.scaleEvents.tasks.workloads.otto-agent.requests.cpu: 'lots' is not a CPU"
                + " quantity; "
                + Quantities.cpuHint(),
            "demand.scaleEvents.tasks.workloads.otto-agent.tolerations[0].effect: 'Never' is not"
                + " an effect; use one of [NoExecute, NoSchedule, PreferNoSchedule]",
            "demand.scaleEvents.tasks.workloads.big.podTemplate: cannot be combined with image;"
                + " the PodTemplate holds the whole pod, or give image, requests and tolerations"
                + " here");
    assertThat(e.getMessage()).doesNotContain("hunter2");
    // Each with the line and column of its key.
    assertThat(e.problems())
        .filteredOn(p -> p.path().equals("demand.scaleEvents.tasks.concurrency"))
        .singleElement()
        .satisfies(p -> assertThat(List.of(p.line(), p.column())).containsExactly(19, 7));
  }

  @Test
  void aSectionWithoutTransportOrTemplatesSaysWhatIsMissing() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> loader.parse("demand:\n  scaleEvents:\n    maxPodsPerEvent: 3\n", "m"));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "demand.scaleEvents: names no transport; add redis: {host: ...}, kafka:"
                + " {bootstrapServers: ...} or both",
            "demand.scaleEvents.tasks: is required: the worker pod template of each workload,"
                + " under workloads");
  }
}
