package io.ecokube.api.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.time.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLetterLogTest {
  @Test
  void keepsTheLastEntriesAndCountsAll() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    DeadLetterLog log = new DeadLetterLog(2, clock);
    log.record("s/1-0", "malformed: type is missing", "{}", "no dead-letter destination");
    log.record("s/2-0", "rejected", "{}", "no dead-letter destination");
    log.record("s/3-0", "rejected", "x".repeat(5000), "WRONGTYPE");
    assertThat(log.total()).isEqualTo(3);
    assertThat(log.entries())
        .extracting(DeadLetterLog.Entry::origin)
        .containsExactly("s/2-0", "s/3-0");
    assertThat(log.entries().get(1).payload()).hasSize(DeadLetterLog.MAX_PAYLOAD_CHARS + 3);
    assertThat(log.entries().get(0).at()).isEqualTo(clock.now());
  }
}
