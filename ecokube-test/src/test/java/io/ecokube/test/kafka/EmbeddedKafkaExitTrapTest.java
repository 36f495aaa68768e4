package io.ecokube.test.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kafka's exit and halt calls are refused and recorded, not carried out (this JVM survives). */
class EmbeddedKafkaExitTrapTest {
  @AfterEach
  void restore() {
    Exit.resetExitProcedure();
    Exit.resetHaltProcedure();
  }

  @Test
  void exitAndHaltThrowInsteadOfEndingTheJvm() {
    ExitTrap trap = ExitTrap.install();
    assertThatThrownBy(() -> Exit.exit(1, "log dir failed"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Kafka asked the JVM to exit with status 1: log dir failed");
    assertThatThrownBy(() -> Exit.halt(2, "fenced")).hasMessageContaining("status 2: fenced");
    assertThat(trap.calls())
        .containsExactly(
            "Kafka asked the JVM to exit with status 1: log dir failed",
            "Kafka asked the JVM to exit with status 2: fenced");
  }
}
