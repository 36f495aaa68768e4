package io.ecokube.predict.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerCalibrationTest {
  static PowerCalibration sample() {
    LinearCalibration util =
        LinearCalibrator.fit(
            "container cores -> node utilisation",
            new double[] {0.5, 1.0, 2.0, 3.0},
            new double[] {0.152, 0.285, 0.52, 0.77},
            CalibrationMethod.LEAST_SQUARES);
    LinearCalibration watts =
        LinearCalibrator.fit(
            "node utilisation -> node watts",
            new double[] {0, 0.25, 0.5, 0.75, 1.0},
            new double[] {54.0, 70.1, 85.2, 101.0, 116.0},
            CalibrationMethod.HUBER);
    return new PowerCalibration(util, watts);
  }

  @Test
  void jsonRoundTripKeepsEveryField(@TempDir Path dir) throws Exception {
    PowerCalibration c = sample();
    Path file = dir.resolve("calibration.json");
    c.save(file);
    assertThat(Files.readString(file))
        .contains("\"containerToNodeUtilisation\"")
        .contains("\"residualStandardError\"")
        .contains("\"HUBER\"");
    assertThat(PowerCalibration.load(file)).isEqualTo(c);
    assertThat(PowerCalibration.fromJson(c.toJson())).isEqualTo(c);
    assertThat(c.idleWatts()).isEqualTo(c.nodeUtilisationToWatts().intercept());
    assertThat(c.maxWatts()).isGreaterThan(c.idleWatts());
  }

  @Test
  void invalidJsonIsRejectedNamingTheFileAndField(@TempDir Path dir) throws Exception {
    String json = sample().toJson().replaceFirst("\"slope\" : [0-9.eE-]+", "\"slope\" : -1.0");
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> PowerCalibration.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.json")
        .hasMessageContaining("must rise");
    assertThatThrownBy(() -> PowerCalibration.fromJson("{\"containerToNodeUtilisation\": {}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid power calibration JSON");
    assertThatThrownBy(() -> PowerCalibration.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fallingLinesAndNegativeIdleAreRejected() {
    LinearCalibration util = sample().containerToNodeUtilisation();
    LinearCalibration negativeIdle =
        new LinearCalibration(
            "node utilisation -> node watts",
            100,
            -5,
            0.9,
            1,
            5,
            0,
            1,
            CalibrationMethod.LEAST_SQUARES);
    assertThatThrownBy(() -> new PowerCalibration(util, negativeIdle))
        .hasMessageContaining("negative idle watts -5.0");
    LinearCalibration falling =
        new LinearCalibration("w", -3, 50, 0.9, 1, 5, 0, 1, CalibrationMethod.LEAST_SQUARES);
    assertThatThrownBy(() -> new PowerCalibration(util, falling))
        .hasMessageContaining("'w' must rise");
  }

  @Test
  void calibrationRecordValidatesItsFields() {
    assertThatThrownBy(
            () ->
                new LinearCalibration(
                    "w", Double.NaN, 0, 0.5, 1, 5, 0, 1, CalibrationMethod.LEAST_SQUARES))
        .hasMessageContaining("'w' field slope must be finite, got NaN");
    assertThatThrownBy(
            () -> new LinearCalibration("w", 1, 0, 1.5, 1, 5, 0, 1, CalibrationMethod.HUBER))
        .hasMessageContaining("rSquared must be in [0, 1]");
    assertThatThrownBy(
            () -> new LinearCalibration("w", 1, 0, 0.5, 1, 1, 0, 1, CalibrationMethod.HUBER))
        .hasMessageContaining("needs n >= 2");
  }
}
