package io.ecokube.core.energy;

import java.time.Instant;
import java.util.Objects;

/**
 * A tariff with a price on carbon: every figure of {@code base}, and {@link #carbonPricePerKg()}.
 *
 * @param base the electricity tariff
 * @param carbonPricePerKg the price of a kilogram of CO2 in the base's currency, >= 0
 */
public record CarbonPricedTariff(Tariff base, double carbonPricePerKg) implements Tariff {
  /** Validates. */
  public CarbonPricedTariff {
    Objects.requireNonNull(base, "base");
    if (!(Double.isFinite(carbonPricePerKg) && carbonPricePerKg >= 0)) {
      throw new IllegalArgumentException(
          "carbon price per kg must be >= 0, got " + carbonPricePerKg);
    }
  }

  @Override
  public double pue() {
    return base.pue();
  }

  @Override
  public double pricePerKwh(Instant at) {
    return base.pricePerKwh(at);
  }

  @Override
  public double gramsCo2PerKwh(Instant at) {
    return base.gramsCo2PerKwh(at);
  }

  @Override
  public String currency() {
    return base.currency();
  }
}
