package io.ecokube.controller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.core.policy.BudgetState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetStoreTest {
  private final BudgetState spend =
      new BudgetState(
          Instant.parse("2026-12-04T10:00:00Z"), 0.25, Instant.parse("2026-12-01T00:00:00Z"), 42.5);

  @Test
  void spendSurvivesItsTextFormUnderTheDocumentedKeys() {
    Map<String, String> data = BudgetStore.encode(spend);
    assertThat(data)
        .containsOnlyKeys(
            "budget.hourStart", "budget.hourSpent", "budget.periodStart", "budget.periodSpent")
        .containsEntry("budget.periodSpent", "42.5");
    assertThat(BudgetStore.decode(data)).contains(spend);
  }

  @Test
  void noStoredSpendOrADamagedOneCountsFromTheFirstReading() {
    assertThat(BudgetStore.decode(Map.of("ledger.since", "2026-12-01T00:00:00Z"))).isEmpty();
    Map<String, String> data = new HashMap<>(BudgetStore.encode(spend));
    data.put("budget.periodSpent", "-3");
    assertThat(BudgetStore.decode(data)).isEmpty();
    data.put("budget.periodSpent", "1");
    data.remove("budget.hourStart");
    assertThat(BudgetStore.decode(data)).isEmpty();
  }
}
