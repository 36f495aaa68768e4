package io.ecokube.replay.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.replay.ReplayFixtures;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import io.ecokube.replay.sim.Series;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** How the reports print numbers: energy digits and savings below zero. */
class ReportNumbersTest {
  private static PolicyResult result(String key, String title, double kWh) {
    double[] one = {1};
    return new PolicyResult(
        key,
        title,
        kWh * 3.6e6,
        0,
        0,
        1,
        1,
        1,
        new double[] {0},
        0,
        new int[] {0, 0, 0, 0},
        new Series(Duration.ofMinutes(1), one, one, one),
        Duration.ZERO,
        Optional.empty());
  }

  private static Comparison comparison(PolicyResult... results) {
    return new Comparison(
        ReplayFixtures.cluster(),
        "test",
        Duration.ofHours(1),
        1,
        1,
        List.of(results),
        Optional.empty(),
        0.8 * 3.6e6,
        List.of());
  }

  @Test
  void energyKeepsFourSignificantDigits() {
    assertThat(TextTable.fourDigits(0.81234)).isEqualTo("0.8123");
    assertThat(TextTable.fourDigits(1.6349)).isEqualTo("1.635");
    assertThat(TextTable.fourDigits(345.24)).isEqualTo("345.2");
    assertThat(TextTable.fourDigits(1633.14)).isEqualTo("1633.1");
    assertThat(TextTable.fourDigits(0)).isEqualTo("0.0");
    String table =
        TextTable.render(
            comparison(
                result("always-on", "always-on", 0.8),
                result("reactive", "reactive", 0.8123),
                result("eco-default", "eco-kube default", 0.7981)));
    assertThat(table).contains("0.8000").contains("0.8123").contains("0.7981");
  }

  @Test
  void savingsChartShowsMoreThanAlwaysOnAsNegative() {
    String page =
        HtmlReport.render(
            comparison(
                result("always-on", "always-on", 0.8),
                result("eco-predictive", "eco-kube predictive", 0.9),
                result("reactive", "reactive", 0.6)));
    String chart = page.substring(page.indexOf("energy saved"));
    chart = chart.substring(0, chart.indexOf("</svg>"));
    assertThat(chart).contains(">-12.5%<").contains(">25.0%<");
    // Always-on's bar is empty at zero, the negative one ends there, the positive one starts there.
    Matcher m =
        Pattern.compile("<rect x=\"([0-9.]+)\" y=\"[0-9]+\" width=\"([0-9.]+)\"").matcher(chart);
    double[][] bars = new double[3][];
    for (int i = 0; i < 3; i++) {
      assertThat(m.find()).isTrue();
      bars[i] = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }
    double zero = bars[0][0];
    assertThat(bars[0][1]).isZero();
    assertThat(bars[1][1]).isPositive();
    assertThat(bars[1][0] + bars[1][1]).isCloseTo(zero, within(0.2));
    assertThat(bars[2][0]).isEqualTo(zero);
    assertThat(bars[2][1]).isCloseTo(bars[1][1] * 2, within(0.2));
  }
}
