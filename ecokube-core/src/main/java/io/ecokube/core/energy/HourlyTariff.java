package io.ecokube.core.energy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tariff that varies by hour of the local day: a time-of-use electricity price and a grid carbon
 * intensity profile (for instance a typical day of the grid operator's published intensity). Each
 * array has 24 entries, index 0 for 00:00-01:00 local time in {@link #zone()}.
 *
 * @param pue power usage effectiveness, >= 1
 * @param pricePerKwhByHour 24 prices of a facility kWh, each >= 0
 * @param gramsCo2PerKwhByHour 24 grid intensities in gCO2 per kWh, each >= 0
 * @param zone the time zone the hours are in
 * @param currency the currency code for reports
 */
public record HourlyTariff(
    double pue,
    double[] pricePerKwhByHour,
    double[] gramsCo2PerKwhByHour,
    ZoneId zone,
    String currency)
    implements Tariff {

  /** Validates and copies. */
  public HourlyTariff {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(currency, "currency");
    if (!(Double.isFinite(pue) && pue >= 1)) {
      throw new IllegalArgumentException("pue must be >= 1, got " + pue);
    }
    pricePerKwhByHour = checked("pricePerKwhByHour", pricePerKwhByHour);
    gramsCo2PerKwhByHour = checked("gramsCo2PerKwhByHour", gramsCo2PerKwhByHour);
  }

  private static double[] checked(String name, double[] values) {
    Objects.requireNonNull(values, name);
    if (values.length != 24) {
      throw new IllegalArgumentException(
          name + " needs 24 hourly values (00:00 to 23:00), got " + values.length);
    }
    for (int h = 0; h < 24; h++) {
      if (!(Double.isFinite(values[h]) && values[h] >= 0)) {
        throw new IllegalArgumentException(
            name + "[" + h + "] must be finite and >= 0, got " + values[h]);
      }
    }
    return values.clone();
  }

  private int hour(Instant at) {
    return at.atZone(zone).getHour();
  }

  @Override
  public double pricePerKwh(Instant at) {
    return pricePerKwhByHour[hour(at)];
  }

  @Override
  public double gramsCo2PerKwh(Instant at) {
    return gramsCo2PerKwhByHour[hour(at)];
  }

  @Override
  public double[] pricePerKwhByHour() {
    return pricePerKwhByHour.clone();
  }

  @Override
  public double[] gramsCo2PerKwhByHour() {
    return gramsCo2PerKwhByHour.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HourlyTariff t
        && pue == t.pue
        && Arrays.equals(pricePerKwhByHour, t.pricePerKwhByHour)
        && Arrays.equals(gramsCo2PerKwhByHour, t.gramsCo2PerKwhByHour)
        && zone.equals(t.zone)
        && currency.equals(t.currency);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        pue,
        Arrays.hashCode(pricePerKwhByHour),
        Arrays.hashCode(gramsCo2PerKwhByHour),
        zone,
        currency);
  }

  @Override
  public String toString() {
    return "HourlyTariff[pue=" + pue + ", zone=" + zone + ", currency=" + currency + "]";
  }
}
