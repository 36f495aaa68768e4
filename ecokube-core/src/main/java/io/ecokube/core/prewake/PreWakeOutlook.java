package io.ecokube.core.prewake;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What {@link PreWake} expects over the lead time from now, or why it expects nothing.
 *
 * @param demand the expected demand in the series' unit (pods for a level series, arrivals for a
 *     count series), never negative; empty when there is no usable forecast and the engine should
 *     react to the demand it sees
 * @param model what produced the forecast, or {@code none}
 * @param reason the explanation, for the decision's reason and logs
 */
public record PreWakeOutlook(OptionalDouble demand, String model, String reason) {
  /** Validates. */
  public PreWakeOutlook {
    Objects.requireNonNull(demand, "demand");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(reason, "reason");
    if (demand.isPresent() && !(demand.getAsDouble() >= 0)) {
      throw new IllegalArgumentException("expected demand must be >= 0, got " + demand);
    }
  }

  /** No usable forecast: fall back to reacting. */
  static PreWakeOutlook none(String reason) {
    return new PreWakeOutlook(OptionalDouble.empty(), "none", reason);
  }

  /** Whether there is a usable forecast. */
  public boolean present() {
    return demand.isPresent();
  }
}
