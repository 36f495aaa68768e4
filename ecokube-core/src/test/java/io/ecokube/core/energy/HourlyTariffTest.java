package io.ecokube.core.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HourlyTariffTest {
  private static double[] flat(double v) {
    double[] a = new double[24];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void pricesFollowTheLocalHour() {
    double[] price = flat(0.30);
    price[2] = 0.10; // night rate at 02:00 local
    double[] carbon = flat(400);
    carbon[13] = 120; // solar noon
    HourlyTariff t = new HourlyTariff(1.4, price, carbon, ZoneId.of("Europe/Berlin"), "EUR");
    // 01:30 UTC in winter is 02:30 in Berlin.
    assertThat(t.pricePerKwh(Instant.parse("2026-01-15T01:30:00Z"))).isEqualTo(0.10);
    assertThat(t.pricePerKwh(Instant.parse("2026-01-15T02:30:00Z"))).isEqualTo(0.30);
    assertThat(t.gramsCo2PerKwh(Instant.parse("2026-01-15T12:10:00Z"))).isEqualTo(120);
  }

  @Test
  void badProfilesAreRejectedWithTheirIndex() {
    assertThatThrownBy(
            () -> new HourlyTariff(1.2, new double[23], flat(1), ZoneId.of("UTC"), "EUR"))
        .hasMessageContaining("needs 24 hourly values")
        .hasMessageContaining("got 23");
    double[] bad = flat(1);
    bad[5] = -1;
    assertThatThrownBy(() -> new HourlyTariff(1.2, flat(1), bad, ZoneId.of("UTC"), "EUR"))
        .hasMessage("gramsCo2PerKwhByHour[5] must be finite and >= 0, got -1.0");
    assertThatThrownBy(() -> new HourlyTariff(0.9, flat(1), flat(1), ZoneId.of("UTC"), "EUR"))
        .hasMessageContaining("pue must be >= 1");
  }

  @Test
  void arraysAreCopiedSoCallersCannotChangeTheTariff() {
    double[] price = flat(0.2);
    HourlyTariff t = new HourlyTariff(1.0, price, flat(1), ZoneId.of("UTC"), "EUR");
    price[0] = 99;
    t.pricePerKwhByHour()[0] = 99;
    assertThat(t.pricePerKwh(Instant.parse("2026-01-01T00:10:00Z"))).isEqualTo(0.2);
  }
}
