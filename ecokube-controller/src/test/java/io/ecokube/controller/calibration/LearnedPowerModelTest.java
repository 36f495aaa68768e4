package io.ecokube.controller.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.prometheus.kepler.CalibrationSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnedPowerModelTest {
  private static final PowerProfile GUESS = PowerProfile.typicalServer(); // 120 W idle, 300 W max
  private final LearnedPowerModel learner = new LearnedPowerModel(0.8);

  /** A machine that really idles at 95 W and peaks at 260 W, with meter noise. */
  private static List<CalibrationSample> sweep(int n, long seed) {
    Random r = new Random(seed);
    List<CalibrationSample> out = new ArrayList<>();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      double u = i / (double) (n - 1);
      out.add(
          new CalibrationSample(t.plusSeconds(60L * i), u, 95 + 165 * u + r.nextGaussian() * 3));
    }
    return out;
  }

  @Test
  void aGoodSweepReplacesTheGuessedIdleAndPeak() {
    List<CalibrationSample> s = new ArrayList<>(sweep(60, 1));
    // One meter glitch: Huber's fit must not follow it.
    s.set(30, new CalibrationSample(s.get(30).at(), s.get(30).utilisation(), 900));
    LearnedPowerModel.Result r = learner.calibrate("worker-2", GUESS, s);
    assertThat(r.learned()).isTrue();
    assertThat(r.profile().idleWatts()).isCloseTo(95, within(3.0));
    assertThat(r.profile().maxWatts()).isCloseTo(260, within(4.0));
    // What a sweep cannot see is kept.
    assertThat(r.profile().offWatts()).isEqualTo(GUESS.offWatts());
    assertThat(r.profile().bootTime()).isEqualTo(GUESS.bootTime());
    assertThat(r.why()).startsWith("learned idle 9");
  }

  @Test
  void tooFewSamplesOrTooLittleSpreadKeepTheCurrentModel() {
    assertThat(learner.calibrate("n", GUESS, sweep(5, 2)).profile()).isEqualTo(GUESS);
    List<CalibrationSample> flat = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      flat.add(new CalibrationSample(Instant.EPOCH.plusSeconds(i), 0.3 + i * 0.001, 140 + i));
    }
    LearnedPowerModel.Result r = learner.calibrate("n", GUESS, flat);
    assertThat(r.learned()).isFalse();
    assertThat(r.profile()).isEqualTo(GUESS);
    assertThat(r.why()).contains("utilisation only spans 0.03");
  }

  @Test
  void aLooseFitIsRefused() {
    Random rnd = new Random(3);
    List<CalibrationSample> noise = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      noise.add(
          new CalibrationSample(
              Instant.EPOCH.plusSeconds(i), i / 49.0, 100 + rnd.nextDouble() * 200));
    }
    LearnedPowerModel.Result r = learner.calibrate("n", GUESS, noise);
    assertThat(r.learned()).isFalse();
    assertThat(r.profile()).isEqualTo(GUESS);
    assertThat(r.fit()).isPresent();
    assertThat(r.why()).startsWith("fit too loose");
  }

  @Test
  void anUnphysicalFitIsRefused() {
    // Watts falling with load (a meter wired to the wrong node, say).
    List<CalibrationSample> wrong = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      wrong.add(
          new CalibrationSample(Instant.EPOCH.plusSeconds(i), i / 19.0, 300 - 100 * i / 19.0));
    }
    LearnedPowerModel.Result r =
        learner.calibrate(
            "n",
            new PowerProfile(5, 120, 300, 200, Duration.ofSeconds(60), Duration.ofSeconds(30)),
            wrong);
    assertThat(r.learned()).isFalse();
  }
}
