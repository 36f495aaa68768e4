package io.ecokube.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeldBackKindTest {
  // Reasons in the wording of the decider and the guard.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "guard: node w1 runs pod shop/web-1 | GUARD",
        "guard: WAKE needs state OFF, node w1 is BOOTING | GUARD",
        "waking w2 would raise the cluster's projected draw to 900 W, above the cap of 800 W"
            + " | POWER_CAP",
        "waking w2 would raise pool gpu's projected draw to 900 W, above its cap of 500 W"
            + " | POWER_CAP",
        "wake rate limit of 2 per 60 s reached; 3 pods pending | RATE_LIMIT",
        "w1 idle since 10:00, but the suspend rate limit of 1 per 600 s is reached | RATE_LIMIT",
        "node w1 was powered on 6 times in 24 h, the per-node cycle limit is 6 | CYCLE_LIMIT",
        "w1 idle, but it stays on until 10:05 (minUptime PT10M) | MIN_UPTIME",
        "w1 idle, but pool web keeps a warm reserve of 1 | WARM_RESERVE",
        "node w1 failed to boot (timeout); retry at 2026-01-01T00:10:00Z | RETRY_BACKOFF",
        "3 pods (1 CPU each) fit on no node that may be woken now | NO_FIT",
        "hourly cost budget of 2.00 EUR spent | BUDGET",
        "deferred to a lower-carbon hour | CARBON",
        "something nobody foresaw | OTHER"
      })
  void classifiesTheReason(String reason, HeldBackKind kind) {
    assertThat(HeldBackKind.of(new HeldBack("w1", ActionType.WAKE, reason.strip())))
        .isEqualTo(kind);
  }
}
