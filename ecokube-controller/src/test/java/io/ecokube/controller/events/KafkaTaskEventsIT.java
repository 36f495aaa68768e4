package io.ecokube.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.ScaleEvents;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import io.kubernetes.client.openapi.models.V1Pod;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Kafka transport of {@code demand.scaleEvents}, as the controller wires it, on a KRaft broker
 * in the test JVM and the fake API server: events sent with {@code ecokube-events send} become task
 * pods; a malformed one goes to the dead-letter topic; the same task again is a duplicate.
 */
@Timeout(180)
class KafkaTaskEventsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private FakeCluster cluster;

  @BeforeAll
  static void topics() {
    KAFKA.broker().createTopic("tasks", 1);
    KAFKA.broker().createTopic("tasks.dlt", 1);
  }

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static ScaleEvents section() {
    String yaml =
        """
        demand:
          scaleEvents:
            defaultWorkload: builder
            maxPodsPerEvent: 5
            kafka: {bootstrapServers: "BOOTSTRAP", topic: tasks, deadLetterTopic: tasks.dlt}
            tasks:
              namespace: work
              workloads:
                builder: {image: busybox, requests: {cpu: 100m, memory: 32Mi}}
        """
            .replace("BOOTSTRAP", KAFKA.broker().bootstrapServers());
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      return ConfigLoader.using(none).parse(yaml, "k.yaml").scaleEvents().orElseThrow();
    }
  }

  private static void send(String... fields) {
    StringWriter err = new StringWriter();
    String[] args = new String[fields.length + 5];
    args[0] = "send";
    args[1] = "--kafka";
    args[2] = KAFKA.broker().bootstrapServers();
    args[3] = "--topic";
    args[4] = "tasks";
    System.arraycopy(fields, 0, args, 5, fields.length);
    int code =
        EcoKubeEventsCommand.execute(
            args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
  }

  private double events(SimpleMeterRegistry r, String fate) {
    var c = r.find("ecokube.scale.events").tag("transport", "kafka").tag("fate", fate);
    return c.functionCounter() == null ? 0 : c.functionCounter().count();
  }

  @Test
  void kafkaEventsBecomeTaskPodsFromTheConfig() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ScaleEventsWiring w =
        ScaleEventsWiring.start(
            section(),
            cluster.client(),
            "ecokube",
            SecretResolver.inMemory(Map.of()),
            Clock.system(),
            registry,
            o -> {})) {
      send("type=scale_up", "pod_count=2", "task_id=build-7");
      send("--malformed", "type=scale_up", "pod_count=50", "task_id=too-big");
      send("type=scale_up", "pod_count=2", "task_id=build-7");

      await().atMost(WAIT).until(() -> cluster.workers("work").size() == 2);
      await().atMost(WAIT).until(() -> events(registry, "dead_lettered") == 1);
      await().atMost(WAIT).until(() -> events(registry, "duplicate") == 1);
      assertThat(events(registry, "accepted")).isEqualTo(1);
      for (V1Pod p : cluster.workers("work")) {
        cluster.phase(p, "Succeeded");
      }
      await().atMost(WAIT).until(() -> cluster.workers("work").isEmpty());
      assertThat(
              registry.get("ecokube.tasks.finished").tag("result", "succeeded").counter().count())
          .isEqualTo(1.0);
      assertThat(w.kafka()).isPresent();
      assertThat(w.redis()).isEmpty();
    }
  }
}
