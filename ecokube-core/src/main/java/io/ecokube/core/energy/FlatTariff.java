package io.ecokube.core.energy;

import java.time.Instant;
import java.util.Objects;

/**
 * A tariff with the same price and grid intensity at every hour.
 *
 * @param pue power usage effectiveness, >= 1
 * @param pricePerKwhValue price of a facility kWh, >= 0
 * @param gramsCo2PerKwhValue grid intensity in gCO2 per kWh, >= 0
 * @param currency the currency code for reports
 */
public record FlatTariff(
    double pue, double pricePerKwhValue, double gramsCo2PerKwhValue, String currency)
    implements Tariff {
  /** Validates. */
  public FlatTariff {
    Objects.requireNonNull(currency, "currency");
    if (!(Double.isFinite(pue) && pue >= 1)) {
      throw new IllegalArgumentException("pue must be >= 1, got " + pue);
    }
    if (!(Double.isFinite(pricePerKwhValue) && pricePerKwhValue >= 0)) {
      throw new IllegalArgumentException("price per kWh must be >= 0, got " + pricePerKwhValue);
    }
    if (!(Double.isFinite(gramsCo2PerKwhValue) && gramsCo2PerKwhValue >= 0)) {
      throw new IllegalArgumentException("gCO2 per kWh must be >= 0, got " + gramsCo2PerKwhValue);
    }
  }

  /** A typical European setting: PUE 1.5, 0.25 EUR/kWh, 300 gCO2/kWh. */
  public static FlatTariff typicalEurope() {
    return new FlatTariff(1.5, 0.25, 300, "EUR");
  }

  @Override
  public double pricePerKwh(Instant at) {
    return pricePerKwhValue;
  }

  @Override
  public double gramsCo2PerKwh(Instant at) {
    return gramsCo2PerKwhValue;
  }
}
