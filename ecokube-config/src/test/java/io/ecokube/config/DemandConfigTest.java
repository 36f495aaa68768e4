package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.workload.LagScalingPolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DemandConfigTest {
  private final DriverRegistry registry =
      DriverRegistry.builder()
          .register(new InMemoryCluster(new ManualClock()).driverProvider())
          .secrets(SecretResolver.inMemory(Map.of()))
          .build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  private static final String KAFKA =
      """
      demand:
        kafka:
          bootstrapServers: "127.0.0.1:9092,127.0.0.2:9092"
          pollInterval: 500ms
          clientProperties: {security.protocol: SASL_SSL}
          sasl: {mechanism: SCRAM-SHA-256, username: ecokube, password: "file:/etc/ecokube/kafka"}
          workloads:
            - workload: {namespace: video, name: transcoder}
              topic: uploads
              group: transcoders
              lagPerReplica: 5
              maxReplicas: 12
              cooldown: 1m
              pod: {cpu: 500m, memory: 512Mi}
      """;

  @Test
  void aKafkaBacklogSectionLoads() {
    KafkaDemand k = loader.parse(KAFKA, "k.yaml").kafkaDemand().orElseThrow();
    assertThat(k.bootstrapServers()).isEqualTo("127.0.0.1:9092,127.0.0.2:9092");
    assertThat(k.pollInterval()).contains(Duration.ofMillis(500));
    assertThat(k.clientProperties()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(k.sasl()).hasValueSatisfying(s -> assertThat(s.username()).isEqualTo("ecokube"));
    LagScalingPolicy w = k.workloads().get(0);
    assertThat(w.workload()).isEqualTo(new WorkloadRef("video", "Deployment", "transcoder"));
    assertThat(w.topic()).isEqualTo("uploads");
    assertThat(w.group()).isEqualTo("transcoders");
    assertThat(w.lagThreshold()).isEqualTo(5);
    assertThat(w.maxReplicas()).isEqualTo(12);
    assertThat(w.cooldownPeriod()).isEqualTo(Duration.ofMinutes(1));
    assertThat(w.podTemplate().requests().cpuMillis()).isEqualTo(500);
  }

  @Test
  void noDemandSectionMeansNoKafka() {
    assertThat(loader.parse("pools: {}\n", "e.yaml").kafkaDemand()).isEmpty();
  }

  @Test
  void everyProblemOfTheSectionIsReported() {
    String bad =
        KAFKA
            .replace("\"127.0.0.1:9092,127.0.0.2:9092\"", "\"127.0.0.1\"")
            .replace("\"file:/etc/ecokube/kafka\"", "hunter2")
            .replace("{security.protocol: SASL_SSL}", "{sasl.jaas.config: \"x password=hunter2\"}")
            .replace("namespace: video, name: transcoder", "namespace: video, kind: Job, name: t")
            .replace("maxReplicas: 12", "maxReplicas: 12\n        minReplicas: 20")
            .replace("pod: {cpu: 500m, memory: 512Mi}", "pod: {cpu: lots, memory: 512Mi}");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(bad, "b"));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "demand.kafka.bootstrapServers: '127.0.0.1' is not host:port; list brokers as"
                + " host:port[,host:port...]",
            "demand.kafka.clientProperties.sasl.jaas.config: would hold a secret inline (value not"
                + " shown); use demand.kafka.sasl with a password reference, or a key store file",
            "demand.kafka.sasl.password: looks like an inline secret (value not shown); write a"
                + " reference instead: file:/path/to/secret or env:VARIABLE_NAME",
            "demand.kafka.workloads[0].workload.kind: 'Job' cannot be scaled; use one of"
                + " [Deployment, StatefulSet]",
            "demand.kafka.workloads[0].pod.cpu: 'lots' is not a CPU quantity; "
                + Quantities.cpuHint(),
            "demand.kafka.workloads[0].maxReplicas: '12' must be at least minReplicas (20)");
    assertThat(e.getMessage()).doesNotContain("hunter2");
  }

  @Test
  void workloadsAreRequiredAndUnique() {
    String none = KAFKA.substring(0, KAFKA.indexOf("    workloads:"));
    assertThat(catchThrowableOfType(ConfigException.class, () -> loader.parse(none, "n")).errors())
        .containsExactly(
            "demand.kafka.workloads: is required: a list of workloads whose consumer lag asks for"
                + " replicas");
    String twice =
        KAFKA + KAFKA.substring(KAFKA.indexOf("      - workload:")).replace("uploads", "other");
    assertThat(catchThrowableOfType(ConfigException.class, () -> loader.parse(twice, "t")).errors())
        .containsExactly(
            "demand.kafka.workloads[1].workload: 'Deployment video/transcoder' is already scaled"
                + " by demand.kafka.workloads[0]");
  }
}
