package io.ecokube.core.energy;

/**
 * Energy, money and carbon over a period.
 *
 * @param joules IT energy (what the servers drew), in joules
 * @param cost facility energy times price: kWh x PUE x price
 * @param gramsCo2 facility energy times grid intensity: kWh x PUE x gCO2/kWh
 */
public record EnergyTotals(double joules, double cost, double gramsCo2) {
  /** Nothing yet. */
  public static final EnergyTotals ZERO = new EnergyTotals(0, 0, 0);

  /** IT energy in kilowatt-hours. */
  public double kwh() {
    return joules / 3.6e6;
  }

  /** The sum. */
  public EnergyTotals plus(EnergyTotals o) {
    return new EnergyTotals(joules + o.joules, cost + o.cost, gramsCo2 + o.gramsCo2);
  }

  /** The difference {@code this - o}. */
  public EnergyTotals minus(EnergyTotals o) {
    return new EnergyTotals(joules - o.joules, cost - o.cost, gramsCo2 - o.gramsCo2);
  }
}
