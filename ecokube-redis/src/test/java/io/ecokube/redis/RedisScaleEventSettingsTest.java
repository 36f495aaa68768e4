package io.ecokube.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.secret.SecretRef;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisScaleEventSettingsTest {
  @Test
  void defaultsFollowTheOttoscalerStream() {
    RedisScaleEventSettings s = RedisScaleEventSettings.builder("redis", 6379).build();
    assertThat(s.stream()).isEqualTo("otto:scale:events");
    assertThat(s.deadLetterStream()).isEqualTo("otto:scale:events:dead-letter");
    assertThat(s.group()).isEqualTo("ecokube");
    assertThat(s.consumer()).startsWith("ecokube-");
    assertThat(s.startFrom()).isEqualTo(RedisScaleEventSettings.StartFrom.NEW_EVENTS);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> RedisScaleEventSettings.builder("redis", 0).build())
        .hasMessage("redis scale events: port 0 is not a port; allowed 1..65535");
    assertThatThrownBy(
            () ->
                RedisScaleEventSettings.builder("redis", 1)
                    .deadLetterStream("otto:scale:events")
                    .build())
        .hasMessageContaining("deadLetterStream 'otto:scale:events' must differ");
    assertThatThrownBy(
            () -> RedisScaleEventSettings.builder("redis", 1).readBlock(Duration.ZERO).build())
        .hasMessage("redis scale events: readBlock must be a positive duration, got PT0S");
    assertThatThrownBy(
            () ->
                RedisScaleEventSettings.builder("redis", 1)
                    .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("reconnectBackoffMax PT1S is shorter than reconnectBackoffMin PT2S");
    assertThatThrownBy(
            () ->
                RedisScaleEventSettings.builder("redis", 1)
                    .user(" ", SecretRef.parse("env:REDIS_PASSWORD"))
                    .build())
        .hasMessageContaining("username an ACL user needs a non-blank name");
    assertThatThrownBy(
            () ->
                RedisScaleEventSettings.builder("redis", 1)
                    .tlsCaCertificate(Path.of("/ca.pem"))
                    .tls(false)
                    .build())
        .hasMessageContaining("tlsCaCertificate is set but tls is false");
  }

  @Test
  void theStringShowsThePasswordReferenceNotAPassword() {
    RedisScaleEventSettings s =
        RedisScaleEventSettings.builder("redis", 6379)
            .user("alice", SecretRef.parse("env:REDIS_PASSWORD"))
            .build();
    assertThat(s.toString()).contains("env:REDIS_PASSWORD");
  }
}
