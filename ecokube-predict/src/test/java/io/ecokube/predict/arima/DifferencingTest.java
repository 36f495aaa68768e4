package io.ecokube.predict.arima;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DifferencingTest {

  @Test
  void kpssDoesNotRejectWhiteNoiseButRejectsARandomWalk() {
    double[] noise = Simulate.arma(1, 500, 0, new double[0], new double[0], 1);
    double[] walk = Simulate.integrate(0, noise);
    assertThat(Differencing.kpss(noise)).isLessThan(Differencing.KPSS_CRITICAL_5_PERCENT);
    assertThat(Differencing.kpss(walk)).isGreaterThan(Differencing.KPSS_CRITICAL_5_PERCENT);
    assertThat(Differencing.ndiffs(noise, 2)).isZero();
    assertThat(Differencing.ndiffs(walk, 2)).isEqualTo(1);
    assertThat(Differencing.ndiffs(Simulate.integrate(0, walk), 2)).isEqualTo(2);
    assertThat(Differencing.ndiffs(walk, 0)).isZero();
  }

  @Test
  void kpssOfConstantIsZero() {
    assertThat(Differencing.kpss(new double[] {3, 3, 3, 3, 3})).isZero();
  }

  @Test
  void seasonalStrengthSeparatesACycleFromNoise() {
    Random rnd = new Random(3);
    double[] cycle = new double[24 * 10];
    double[] noise = new double[24 * 10];
    for (int t = 0; t < cycle.length; t++) {
      cycle[t] = 10 * Math.sin(2 * Math.PI * t / 24) + rnd.nextGaussian();
      noise[t] = rnd.nextGaussian();
    }
    assertThat(Differencing.seasonalStrength(cycle, 24)).isGreaterThan(0.9);
    assertThat(Differencing.seasonalStrength(noise, 24)).isLessThan(0.3);
    assertThat(Differencing.nsdiffs(cycle, 24)).isEqualTo(1);
    assertThat(Differencing.nsdiffs(noise, 24)).isZero();
    assertThat(Differencing.seasonalStrength(new double[30], 24)).isZero();
  }

  @Test
  void seasonalStrengthWorksForOddPeriods() {
    double[] x = new double[7 * 12];
    for (int t = 0; t < x.length; t++) {
      x[t] = (t % 7 == 5 || t % 7 == 6) ? 2 : 10;
    }
    assertThat(Differencing.seasonalStrength(x, 7)).isGreaterThan(0.99);
  }
}
