package io.ecokube.controller.state;

import io.ecokube.core.policy.BudgetState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the cost budget's spend is kept in the controller's state ConfigMap beside the ledger totals
 * (keys {@code budget.hourStart}, {@code budget.hourSpent}, {@code budget.periodStart}, {@code
 * budget.periodSpent}), so that a restart or a leader failover continues the period's spend instead
 * of counting it from zero and overspending the budget. Written in the same ConfigMap write as the
 * ledger totals (see {@link LedgerStore#save(io.ecokube.core.energy.EnergyLedger, Map)}).
 */
public final class BudgetStore {
  private static final Logger LOG = LoggerFactory.getLogger(BudgetStore.class);
  static final String PREFIX = "budget.";

  private BudgetStore() {}

  /** The ConfigMap entries that keep {@code state}. */
  public static Map<String, String> encode(BudgetState state) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "hourStart", state.hourStart().toString());
    m.put(PREFIX + "hourSpent", Double.toString(state.hourSpent()));
    m.put(PREFIX + "periodStart", state.periodStart().toString());
    m.put(PREFIX + "periodSpent", Double.toString(state.periodSpent()));
    return m;
  }

  /**
   * The spend kept in {@code data}; empty when none is kept, or when it cannot be read, which is
   * logged: the budget then counts from the first reading, as without a stored state.
   */
  public static Optional<BudgetState> decode(Map<String, String> data) {
    if (!data.containsKey(PREFIX + "periodStart")) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new BudgetState(
              Instant.parse(require(data, "hourStart")),
              Double.parseDouble(require(data, "hourSpent")),
              Instant.parse(require(data, "periodStart")),
              Double.parseDouble(require(data, "periodSpent"))));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      LOG.error(
          "stored budget spend cannot be read ({}); the budget counts from this run's first"
              + " reading",
          e.getMessage());
      return Optional.empty();
    }
  }

  private static String require(Map<String, String> m, String key) {
    String v = m.get(PREFIX + key);
    if (v == null) {
      throw new IllegalArgumentException(PREFIX + key + " is missing");
    }
    return v;
  }
}
