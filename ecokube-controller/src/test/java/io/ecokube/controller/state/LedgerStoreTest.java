package io.ecokube.controller.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.ecokube.api.time.ManualClock;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.LedgerCheckpoint;
import io.ecokube.kubernetes.ConfigMapState;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerStoreTest {
  private final LedgerCheckpoint checkpoint =
      new LedgerCheckpoint(
          Instant.parse("2026-12-01T00:00:00Z"),
          Instant.parse("2026-12-04T10:00:00Z"),
          new EnergyTotals(3.6e9, 250.5, 300_000),
          new EnergyTotals(7.2e9, 501, 600_000));

  @Test
  void totalsSurviveTheirTextForm() {
    Map<String, String> data = LedgerStore.encode(checkpoint);
    assertThat(data).containsEntry("ledger.since", "2026-12-01T00:00:00Z");
    assertThat(LedgerStore.decode(data)).isEqualTo(checkpoint);
  }

  @Test
  void damagedTotalsAreRefusedWithTheKeyThatIsWrong() {
    Map<String, String> data = new HashMap<>(LedgerStore.encode(checkpoint));
    data.put("ledger.actual.cost", "lots");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LedgerStore.decode(data))
        .withMessage("ledger.actual.cost is 'lots', not a number");
    data.remove("ledger.actual.cost");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LedgerStore.decode(data))
        .withMessage("ledger.actual.cost is missing");
    data.put("ledger.actual.cost", "-1");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> LedgerStore.decode(data))
        .withMessage("ledger.actual.cost is '-1', not a number >= 0");
  }

  @Test
  void nothingIsWrittenBeforeTheStoredTotalsWereRead() throws Exception {
    // No API server behind this address: a save that tried to write would fail, not return.
    ConfigMapState unreachable =
        new ConfigMapState(
            new ClientBuilder().setBasePath("http://127.0.0.1:9").build(), "ecokube", "state");
    EnergyLedger ledger = EnergyLedger.builder(new ManualClock()).build();
    assertThat(new LedgerStore(unreachable).save(ledger)).isFalse();
  }
}
