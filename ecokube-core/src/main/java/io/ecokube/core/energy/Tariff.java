package io.ecokube.core.energy;

import java.time.Instant;

/**
 * What a kilowatt-hour costs, in money and in carbon, at a given instant, and the facility overhead
 * (PUE). The ledger asks once per clock hour, so hourly prices and grid intensities slot in by
 * implementing this interface; {@link FlatTariff} is the constant case.
 */
public interface Tariff {
  /** Power usage effectiveness of the facility (>= 1): facility energy / IT energy. */
  double pue();

  /** Price of one facility kWh at the instant, in {@link #currency()}. */
  double pricePerKwh(Instant at);

  /** Grid carbon intensity at the instant, grams CO2 per facility kWh. */
  double gramsCo2PerKwh(Instant at);

  /** The currency of prices, for reports ({@code EUR}). */
  String currency();

  /**
   * The price put on a kilogram of CO2, in {@link #currency()}, for reports that set a money figure
   * on carbon beside the electricity bill; 0 (the default) when carbon is not priced. The ledger's
   * cost is the electricity bill alone: a carbon price is a report's view, not money paid.
   */
  default double carbonPricePerKg() {
    return 0;
  }
}
