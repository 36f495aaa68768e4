package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaLagSettingsTest {
  @Test
  void defaultsAreKedasExceptThePollInterval() {
    KafkaLagSettings s = KafkaLagSettings.builder("127.0.0.1:9092").target("t", "g").build();
    assertThat(s.offsetResetPolicy()).isEqualTo(OffsetResetPolicy.LATEST);
    assertThat(s.scaleToZeroOnInvalidOffset()).isFalse();
    assertThat(s.excludePersistentLag()).isFalse();
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void badSettingsNameWhatIsWrong() {
    assertThatThrownBy(() -> KafkaLagSettings.builder("127.0.0.1:9092").build())
        .hasMessageContaining("no targets");
    assertThatThrownBy(
            () ->
                KafkaLagSettings.builder("127.0.0.1:9092")
                    .target("t", "g")
                    .target("t", "g")
                    .build())
        .hasMessageContaining("target t/g is listed twice");
    assertThatThrownBy(
            () ->
                KafkaLagSettings.builder("127.0.0.1:9092")
                    .target("t", "g")
                    .pollInterval(Duration.ZERO)
                    .build())
        .hasMessageContaining("pollInterval must be positive, got PT0S");
    assertThatThrownBy(
            () ->
                KafkaLagSettings.builder("127.0.0.1:9092")
                    .target("t", "g")
                    .clientProperty("bootstrap.servers", "evil:1")
                    .build())
        .hasMessageContaining("must not set bootstrap.servers");
    assertThatThrownBy(
            () ->
                KafkaLagSettings.builder("127.0.0.1:9092")
                    .target("t", "g")
                    .requestTimeout(Duration.ofMillis(-1))
                    .build())
        .hasMessageContaining("requestTimeout must be positive, got PT-0.001S");
    assertThatThrownBy(() -> KafkaLagSettings.builder(" ").target("t", "g").build())
        .hasMessageContaining("bootstrapServers is empty");
  }

  @Test
  void clientPropertyValuesNeverShow() {
    KafkaLagSettings s =
        KafkaLagSettings.builder("127.0.0.1:9092")
            .target("t", "g")
            .clientProperty("sasl.jaas.config", "password=\"hunter2\"")
            .build();
    assertThat(s.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
  }
}
