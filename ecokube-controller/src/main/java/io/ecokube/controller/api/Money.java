package io.ecokube.controller.api;

import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.Tariff;
import java.time.Instant;
import java.util.Map;

/**
 * Energy as the API reports it: kWh, the electricity bill (facility kWh x price), grams of CO2
 * (facility kWh x grid intensity), the carbon cost (kg x the configured carbon price) and their
 * total. The seed estimator's cooling factor is the tariff's PUE here.
 */
final class Money {
  private final Tariff tariff;

  Money(Tariff tariff) {
    this.tariff = tariff;
  }

  String currency() {
    return tariff.currency();
  }

  /** From the ledger's totals (already priced hour by hour). */
  Map<String, Object> of(EnergyTotals t) {
    double carbon = t.gramsCo2() / 1000 * tariff.carbonPricePerKg();
    return Json.obj(
        "kwh", Json.round(t.kwh()),
        "electricity_cost", Json.round(t.cost()),
        "grams_co2", Json.round(t.gramsCo2()),
        "carbon_cost", Json.round(carbon),
        "total_cost", Json.round(t.cost() + carbon));
  }

  /** Joules priced at the tariff of one instant. */
  EnergyTotals price(double joules, Instant at) {
    double facilityKwh = joules / 3.6e6 * tariff.pue();
    return new EnergyTotals(
        joules, facilityKwh * tariff.pricePerKwh(at), facilityKwh * tariff.gramsCo2PerKwh(at));
  }

  /** Watts held for an hour, priced now: the running rate. */
  Map<String, Object> perHour(double watts, Instant at) {
    EnergyTotals hour = price(watts * 3600, at);
    double carbon = hour.gramsCo2() / 1000 * tariff.carbonPricePerKg();
    return Json.obj(
        "watts", Json.round(watts),
        "kwh_per_hour", Json.round(hour.kwh()),
        "electricity_cost_per_hour", Json.round(hour.cost()),
        "grams_co2_per_hour", Json.round(hour.gramsCo2()),
        "carbon_cost_per_hour", Json.round(carbon),
        "total_cost_per_hour", Json.round(hour.cost() + carbon));
  }

  double carbonPricePerKg() {
    return tariff.carbonPricePerKg();
  }
}
