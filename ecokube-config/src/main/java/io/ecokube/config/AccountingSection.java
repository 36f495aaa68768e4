package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.core.energy.CarbonPricedTariff;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.HourlyTariff;
import io.ecokube.core.energy.Tariff;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** The {@code accounting} section: PUE, flat or hourly prices and grid carbon intensity. */
final class AccountingSection extends ConfigReader {
  private static final Set<String> ACCOUNTING =
      Set.of(
          "pue",
          "pricePerKwh",
          "gramsCo2PerKwh",
          "currency",
          "pricePerKwhByHour",
          "gramsCo2PerKwhByHour",
          "timeZone",
          "carbonPricePerKg");

  AccountingSection(ConfigProblems problems) {
    super(problems);
  }

  Tariff accounting(JsonNode node) {
    if (node == null || node.isNull() || !object(node, "accounting")) {
      return FlatTariff.typicalEurope();
    }
    double carbonPrice = number(node, "accounting", "carbonPricePerKg", 0, 0, 1e6);
    Tariff electricity = electricity(node);
    return carbonPrice > 0 ? new CarbonPricedTariff(electricity, carbonPrice) : electricity;
  }

  private Tariff electricity(JsonNode node) {
    FlatTariff d = FlatTariff.typicalEurope();
    String p = "accounting";
    fields(node, p + ".", ACCOUNTING);
    double pue = number(node, p, "pue", d.pue(), 1, 10);
    double price = number(node, p, "pricePerKwh", d.pricePerKwhValue(), 0, 1e6);
    double grams = number(node, p, "gramsCo2PerKwh", d.gramsCo2PerKwhValue(), 0, 1e6);
    String currency = text(node, p, "currency").orElse(d.currency());
    boolean hourly = node.has("pricePerKwhByHour") || node.has("gramsCo2PerKwhByHour");
    if (!hourly) {
      if (node.has("timeZone")) {
        error(p + ".timeZone", "only applies with pricePerKwhByHour or gramsCo2PerKwhByHour");
      }
      return new FlatTariff(pue, price, grams, currency);
    }
    if (node.has("pricePerKwh") && node.has("pricePerKwhByHour")) {
      error(p + ".pricePerKwh", "give either pricePerKwh or pricePerKwhByHour, not both");
    }
    if (node.has("gramsCo2PerKwh") && node.has("gramsCo2PerKwhByHour")) {
      error(p + ".gramsCo2PerKwh", "give either gramsCo2PerKwh or gramsCo2PerKwhByHour, not both");
    }
    double[] prices = hours(node, p, "pricePerKwhByHour", price);
    double[] intensities = hours(node, p, "gramsCo2PerKwhByHour", grams);
    ZoneId zone = ZoneId.of("UTC");
    Optional<String> zoneText = text(node, p, "timeZone");
    if (zoneText.isPresent()) {
      try {
        zone = ZoneId.of(zoneText.get());
      } catch (DateTimeException e) {
        error(
            p + ".timeZone",
            "'"
                + zoneText.get()
                + "' is not a time zone; use a region such as Europe/Berlin or UTC");
      }
    }
    return new HourlyTariff(pue, prices, intensities, zone, currency);
  }

  /** 24 values, 00:00 to 23:00 local time; the flat value for every hour when absent. */
  private double[] hours(JsonNode node, String path, String field, double flat) {
    double[] out = new double[24];
    Arrays.fill(out, flat);
    JsonNode list = node.get(field);
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray() || list.size() != 24) {
      error(
          path + "." + field,
          "expected a list of 24 values (00:00 to 23:00 local time), got "
              + (list.isArray() ? list.size() + " values" : kind(list)));
      return out;
    }
    for (int h = 0; h < 24; h++) {
      JsonNode v = list.get(h);
      String where = path + "." + field + "[" + h + "]";
      if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
        error(where, "'" + v.asText() + "' is not a number of 0 or more");
      } else {
        out[h] = v.asDouble();
      }
    }
    return out;
  }
}
