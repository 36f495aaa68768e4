package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.core.driver.DriverRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CalibrationConfigTest {
  private final DriverRegistry registry = DriverRegistry.builder().build();
  private final ConfigLoader loader = ConfigLoader.using(registry);
  private static final String METERS = "meters:\n  kepler: {url: \"http://127.0.0.1:9090\"}\n";

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void theSectionLoadsWithItsDefaults() {
    CalibrationSettings c =
        loader
            .parse(METERS + "calibration: {interval: 1h}\n", "c.yaml")
            .calibration()
            .orElseThrow();
    assertThat(c.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.window()).isEqualTo(Duration.ofDays(7));
    assertThat(c.minRSquared()).isEqualTo(0.8);
    assertThat(loader.parse(METERS, "c.yaml").calibration()).isEmpty();
  }

  @Test
  void withoutMetersOrWithBadValuesItIsRefusedWithEveryProblem() {
    ConfigException e =
        catchThrowableOfType(
            () ->
                loader.parse(
                    "calibration: {interval: 1d, window: 1h, minRSquared: 1.5, every: 1h}\n",
                    "c.yaml"),
            ConfigException.class);
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "calibration", "calibration.window", "calibration.minRSquared", "calibration.every");
    assertThat(e.getMessage())
        .contains("calibration (line 1, column 1): needs a meters section")
        .contains("'1h' is shorter than calibration.interval (1d)")
        .contains("'1.5' is out of range; allowed 0..1");
  }
}
