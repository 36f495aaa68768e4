package io.ecokube.controller.api;

import io.ecokube.predict.calibration.PowerCalibration;
import java.time.Instant;
import java.util.Optional;

/** The calibration in use, replaced by each successful {@code POST /calibrate}. */
final class CalibrationHolder {
  /** A calibration and where it came from. */
  record Current(PowerCalibration calibration, String source, Optional<Instant> postedAt) {}

  private volatile Optional<Current> current = Optional.empty();

  void set(PowerCalibration c, String source) {
    current = Optional.of(new Current(c, source, Optional.empty()));
  }

  void posted(PowerCalibration c, Instant at) {
    current = Optional.of(new Current(c, "posted to /api/v1/calibrate", Optional.of(at)));
  }

  Optional<Current> get() {
    return current;
  }
}
