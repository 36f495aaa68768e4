package io.ecokube.api.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.secret.SecretResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriverSettingsTest {
  private static DriverSettings settings(Map<String, String> values) {
    return new DriverSettings(
        "worker-7", values, SecretResolver.inMemory(Map.of("mem:bmc", "s3cret")));
  }

  @Test
  void typedValuesAndDefaults() {
    DriverSettings s =
        settings(
            Map.of(
                "port", "623", "retries", " 3 ", "tls", "FALSE", "timeout", "1500ms", "idle", "2m",
                "mode", "Soft", "blank", "  "));
    assertThat(s.integer("port", 1, 1, 65535)).isEqualTo(623);
    assertThat(s.integer("retries", 0, 0, 10)).isEqualTo(3);
    assertThat(s.integer("missing", 9, 0, 10)).isEqualTo(9);
    assertThat(s.bool("tls", true)).isFalse();
    assertThat(s.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(s.duration("idle", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.duration("other", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.oneOf("mode", "hard", Set.of("soft", "hard"))).isEqualTo("soft");
    assertThat(s.string("blank")).isEmpty();
  }

  @Test
  void errorsNameNodeKeyValueAndWhatIsAllowed() {
    DriverSettings s =
        settings(Map.of("port", "70000", "retries", "many", "tls", "yes", "timeout", "-5s"));
    assertThatThrownBy(() -> s.integer("port", 623, 1, 65535))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessage(
            "node 'worker-7': power setting 'port': '70000' is out of range; allowed 1..65535");
    assertThatThrownBy(() -> s.integer("retries", 1, 0, 9))
        .hasMessage(
            "node 'worker-7': power setting 'retries': 'many' is not a whole number; allowed 0..9");
    assertThatThrownBy(() -> s.bool("tls", true))
        .hasMessage(
            "node 'worker-7': power setting 'tls': 'yes' is not a boolean; use true or false");
    assertThatThrownBy(() -> s.duration("timeout", Duration.ofSeconds(1)))
        .hasMessageContaining("'-5s' is not a positive duration");
    assertThatThrownBy(() -> s.requireString("host"))
        .hasMessage("node 'worker-7': power setting 'host': is required but missing");
    assertThatThrownBy(() -> settings(Map.of("m", "x")).oneOf("m", "a", Set.of("a", "b")))
        .hasMessage("node 'worker-7': power setting 'm': 'x' is not allowed; use one of [a, b]");
  }

  @Test
  void durationsUseTheSharedGrammarAndItsLimit() {
    DriverSettings s = settings(Map.of("poll", "1d", "timeout", "1000000000000d"));
    assertThat(s.duration("poll", Duration.ofSeconds(1))).isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> s.duration("timeout", Duration.ofSeconds(1)))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessage(
            "node 'worker-7': power setting 'timeout': '1000000000000d' is longer than the limit"
                + " of 36500d (100 years)");
  }

  @Test
  void secretsAreResolvedByReferenceAndNeverEchoed() {
    DriverSettings s =
        settings(Map.of("password", "mem:bmc", "inline", "hunter2", "gone", "mem:x"));
    assertThat(s.requireSecret("password").revealAsString()).isEqualTo("s3cret");
    assertThat(s.requireSecret("password").toString()).doesNotContain("s3cret");
    assertThatThrownBy(() -> s.secret("inline"))
        .hasMessageContaining("not a secret reference")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> s.secret("gone"))
        .hasMessageContaining("no secret is registered under mem:x");
    assertThat(s.toString()).contains("mem:bmc").doesNotContain("s3cret");
  }
}
