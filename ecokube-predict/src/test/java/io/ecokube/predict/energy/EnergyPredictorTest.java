package io.ecokube.predict.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.forecast.Forecast;
import io.ecokube.api.forecast.ForecastModel;
import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.forecast.TimeSeries;
import io.ecokube.predict.calibration.CalibrationMethod;
import io.ecokube.predict.calibration.LinearCalibration;
import io.ecokube.predict.calibration.PowerCalibration;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnergyPredictorTest {
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);

  /** u = 0.1 + 0.2 cores; P = 50 + 100 u; residual errors as given. */
  static PowerCalibration calibration(double utilRse, double wattsRse) {
    return new PowerCalibration(
        new LinearCalibration(
            "container cores -> node utilisation",
            0.2,
            0.1,
            0.99,
            utilRse,
            20,
            0,
            4,
            CalibrationMethod.LEAST_SQUARES),
        new LinearCalibration(
            "node utilisation -> node watts",
            100,
            50,
            0.99,
            wattsRse,
            20,
            0,
            1,
            CalibrationMethod.LEAST_SQUARES));
  }

  /** A forecaster whose model always forecasts 1 core within [0.5, 1.5]. */
  static final Forecaster ONE_CORE =
      series ->
          new ForecastModel() {
            @Override
            public Forecast forecast(int steps, double level) {
              double[] m = new double[steps];
              double[] lo = new double[steps];
              double[] hi = new double[steps];
              java.util.Arrays.fill(m, 1.0);
              java.util.Arrays.fill(lo, 0.5);
              java.util.Arrays.fill(hi, 1.5);
              return new Forecast(series.end(), series.step(), m, lo, hi, level, "fixed");
            }

            @Override
            public String description() {
              return "fixed";
            }
          };

  static TimeSeries history() {
    return new TimeSeries(T0, MINUTE, new double[] {1, 1, 1, 1});
  }

  @Test
  void fourStagesMatchHandComputation() {
    EnergyPredictor p =
        EnergyPredictor.builder().calibration(calibration(0, 0)).forecaster(ONE_CORE).build();
    EnergyPrediction e = p.predict(history(), 2, new NodeContext(1));
    assertThat(e.start()).isEqualTo(T0.plus(MINUTE.multipliedBy(4)));
    assertThat(e.source()).isEqualTo("fixed");
    // stage 2: u = 0.1 + 0.2 c
    assertThat(e.nodeUtilisation().mean()[0]).isCloseTo(0.3, within(1e-12));
    assertThat(e.nodeUtilisation().lower()[0]).isCloseTo(0.2, within(1e-12));
    assertThat(e.nodeUtilisation().upper()[0]).isCloseTo(0.4, within(1e-12));
    // stage 3: P = 50 + 100 u
    assertThat(e.nodeWatts().mean()[0]).isCloseTo(80, within(1e-9));
    assertThat(e.nodeWatts().lower()[0]).isCloseTo(70, within(1e-9));
    assertThat(e.nodeWatts().upper()[0]).isCloseTo(90, within(1e-9));
    // stage 4: idle 50 split over 2 containers; dynamic in proportion 0.2 c / u
    assertThat(e.containerWatts().mean()[1]).isCloseTo(25 + 30 * (0.2 / 0.3), within(1e-9));
    assertThat(e.containerWatts().lower()[1]).isCloseTo(25 + 20 * 0.5, within(1e-9));
    assertThat(e.containerWatts().upper()[1]).isCloseTo(25 + 40 * 0.75, within(1e-9));
    assertThat(e.energyJoules()).isCloseTo(2 * 45 * 60, within(1e-6));
    assertThat(e.energyJoulesLower()).isCloseTo(2 * 35 * 60, within(1e-6));
    assertThat(e.energyJoulesUpper()).isCloseTo(2 * 55 * 60, within(1e-6));
    assertThat(e.meanContainerWatts()).isCloseTo(45, within(1e-9));
  }

  @Test
  void calibrationErrorWidensTheIntervals() {
    EnergyPrediction exact =
        EnergyPredictor.builder()
            .calibration(calibration(0, 0))
            .forecaster(ONE_CORE)
            .build()
            .predict(history(), 1, NodeContext.alone());
    EnergyPrediction noisy =
        EnergyPredictor.builder()
            .calibration(calibration(0.02, 3))
            .forecaster(ONE_CORE)
            .build()
            .predict(history(), 1, NodeContext.alone());
    assertThat(noisy.nodeWatts().mean()[0]).isEqualTo(exact.nodeWatts().mean()[0]);
    assertThat(noisy.nodeWatts().upper()[0]).isGreaterThan(exact.nodeWatts().upper()[0]);
    assertThat(noisy.nodeWatts().lower()[0]).isLessThan(exact.nodeWatts().lower()[0]);
    // upper half-width = sqrt((100 * 0.1)^2 + (100 * 1.96 * 0.02)^2 ... ) then the watts error
    double du = Math.hypot(0.1, 1.959963984540054 * 0.02);
    double dp = Math.hypot(100 * du, 1.959963984540054 * 3);
    assertThat(noisy.nodeWatts().upper()[0]).isCloseTo(80 + dp, within(1e-9));
  }

  @Test
  void idlePowerIsSplitAmongCoLocatedContainers() {
    EnergyPredictor p =
        EnergyPredictor.builder().calibration(calibration(0, 0)).forecaster(ONE_CORE).build();
    double alone = p.predict(history(), 1, NodeContext.alone()).containerWatts().mean()[0];
    double withFour = p.predict(history(), 1, new NodeContext(4)).containerWatts().mean()[0];
    assertThat(alone - withFour).isCloseTo(50 - 10, within(1e-9));
  }

  @Test
  void beforeDeploymentUsesTheRequest() {
    EnergyPredictor p = EnergyPredictor.builder().calibration(calibration(0.02, 3)).build();
    EnergyPrediction e = p.predictBeforeDeployment(2.0, 0.5, T0, MINUTE, 3, new NodeContext(1));
    assertThat(e.containerCores().mean()).containsExactly(1.0, 1.0, 1.0);
    assertThat(e.nodeWatts().mean()[0]).isCloseTo(80, within(1e-9));
    assertThat(e.containerWatts().mean()[2]).isCloseTo(45, within(1e-9));
    assertThat(e.containerWatts().upper()[0]).isGreaterThan(45);
    assertThat(e.source()).isEqualTo("pre-deployment request 2.0 cores x 0.5");
    assertThat(e.energyJoules()).isCloseTo(3 * 45 * 60, within(1e-6));
    assertThatThrownBy(() -> p.predictBeforeDeployment(-1, 1, T0, MINUTE, 3, NodeContext.alone()))
        .hasMessageContaining("requestedCores must be a finite number >= 0, got -1.0");
    assertThatThrownBy(() -> p.predictBeforeDeployment(1, 0, T0, MINUTE, 3, NodeContext.alone()))
        .hasMessageContaining("expectedUsage must be in (0, 1]");
  }

  @Test
  void endToEndWithArimaOnASimulatedContainer() {
    Random rnd = new Random(5);
    double[] cpu = new double[240];
    double prev = 0;
    for (int t = 0; t < cpu.length; t++) {
      prev = 0.7 * prev + 0.1 * rnd.nextGaussian();
      cpu[t] = 1.2 + prev;
    }
    EnergyPredictor p = EnergyPredictor.builder().calibration(calibration(0.01, 2)).build();
    EnergyPrediction e = p.predict(new TimeSeries(T0, MINUTE, cpu), 30, new NodeContext(2));
    assertThat(e.source()).startsWith("ARIMA(");
    assertThat(e.containerCores().size()).isEqualTo(30);
    for (int i = 0; i < 30; i++) {
      assertThat(e.containerCores().mean()[i]).isBetween(0.9, 1.5);
      assertThat(e.containerWatts().mean()[i]).isBetween(50.0 / 3, 150.0);
      assertThat(e.containerWatts().upper()[i]).isLessThanOrEqualTo(e.nodeWatts().upper()[i]);
    }
    assertThat(e.energyJoulesLower()).isLessThan(e.energyJoules());
    assertThat(e.energyJoulesUpper()).isGreaterThan(e.energyJoules());
  }

  @Test
  void negativeCpuForecastsAreCutAtZero() {
    Forecaster negative =
        s ->
            new ForecastModel() {
              @Override
              public Forecast forecast(int steps, double level) {
                return new Forecast(
                    s.end(),
                    s.step(),
                    new double[] {0.1},
                    new double[] {-0.4},
                    new double[] {0.6},
                    level,
                    "wide");
              }

              @Override
              public String description() {
                return "wide";
              }
            };
    EnergyPrediction e =
        EnergyPredictor.builder()
            .calibration(calibration(0, 0))
            .forecaster(negative)
            .build()
            .predict(history(), 1, NodeContext.alone());
    assertThat(e.containerCores().lower()[0]).isZero();
    assertThat(e.containerWatts().lower()[0]).isCloseTo(50, within(1e-9));
  }

  @Test
  void builderRequiresACalibration() {
    assertThatThrownBy(() -> EnergyPredictor.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a PowerCalibration");
    assertThatThrownBy(() -> EnergyPredictor.builder().level(1.5))
        .hasMessageContaining("level must be in (0, 1)");
    assertThatThrownBy(() -> new NodeContext(-1)).hasMessageContaining(">= 0");
  }
}
