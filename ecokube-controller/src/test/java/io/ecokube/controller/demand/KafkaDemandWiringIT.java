package io.ecokube.controller.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.KafkaDemand;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.test.kafka.KafkaBrokerExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The config's {@code demand.kafka} section, loaded by the real loader, drives a real KRaft
 * broker's consumer lag into desired replicas and scale calls, as the controller runs it.
 */
class KafkaDemandWiringIT {
  private static final WorkloadRef TRANSCODER =
      new WorkloadRef("video", "Deployment", "transcoder");
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @BeforeAll
  static void createTopic() {
    KAFKA.broker().createTopic("uploads", 10);
    KAFKA.broker().initGroup("transcoders", "uploads", 10);
  }

  private static KafkaDemand section(String extra) {
    String yaml =
        """
        demand:
          kafka:
            bootstrapServers: "BOOTSTRAP"
            pollInterval: 200ms
        EXTRA    workloads:
              - workload: {namespace: video, name: transcoder}
                topic: uploads
                group: transcoders
                lagPerReplica: 5
                maxReplicas: 8
                pod: {cpu: "2", memory: 4Gi}
        """
            .replace("BOOTSTRAP", KAFKA.broker().bootstrapServers())
            .replace("EXTRA", extra);
    try (DriverRegistry none = DriverRegistry.builder().build()) {
      return ConfigLoader.using(none, Set.of("file", "env", "mem"))
          .parse(yaml, "kafka.yaml")
          .kafkaDemand()
          .orElseThrow();
    }
  }

  @Test
  void aBacklogOnTheTopicBecomesDesiredReplicasAndScaleCalls() {
    Map<WorkloadRef, Integer> scaled = new ConcurrentHashMap<>();
    WorkloadScaler scaler =
        new WorkloadScaler() {
          @Override
          public OptionalInt replicas(WorkloadRef workload) {
            return OptionalInt.of(scaled.getOrDefault(workload, 0));
          }

          @Override
          public void scale(WorkloadRef workload, int replicas) {
            scaled.put(workload, replicas);
          }
        };
    try (KafkaDemandFeed feed =
        KafkaDemandWiring.start(
            section(""),
            SecretResolver.inMemory(Map.of()),
            Clock.system(),
            Optional.of(scaler),
            d -> {})) {
      KAFKA.produce("uploads", 0, 30);
      // 30 records, 5 per replica: 6 replicas of 2 CPUs each, before any pod exists.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Demand d = feed.latest();
                assertThat(d.desired())
                    .extracting(WorkloadDemand::workload, WorkloadDemand::replicas)
                    .containsExactly(tuple(TRANSCODER, 6));
              });
      assertThat(feed.latest().desired().get(0).podTemplate().requests().cpuMillis())
          .isEqualTo(2000);
      await().atMost(Duration.ofSeconds(10)).until(() -> scaled.getOrDefault(TRANSCODER, 0) == 6);
    }
  }

  @Test
  void theSaslPasswordReachesTheClientOnlyAndNeverTheSettingsText() {
    KafkaLagSettings settings =
        KafkaDemandWiring.lagSettings(
            section(
                "    sasl: {mechanism: SCRAM-SHA-512, username: ecokube, password: \"mem:kafka\"}\n"),
            SecretResolver.inMemory(Map.of("mem:kafka", "pa\"ss")));
    assertThat(settings.clientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"ecokube\" password=\"pa\\\"ss\";");
    assertThat(settings.toString()).doesNotContain("pa\"ss").doesNotContain("ScramLoginModule");
    assertThat(settings.targets()).hasSize(1);
  }
}
