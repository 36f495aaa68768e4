package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The {@code calibration} section: the schedule of power-model refits from meter samples. */
final class CalibrationSection extends ConfigReader {
  private static final Set<String> CALIBRATION = Set.of("interval", "window", "minRSquared");

  CalibrationSection(ConfigProblems problems) {
    super(problems);
  }

  Optional<CalibrationSettings> calibration(JsonNode n, boolean metered) {
    String p = "calibration";
    if (n == null || n.isNull() || !object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", CALIBRATION);
    if (!metered) {
      error(p, "needs a meters section: the power model is fitted to the meters' readings");
    }
    Duration interval = duration(n, p, "interval", false).orElse(Duration.ofHours(6));
    Duration window = duration(n, p, "window", false).orElse(Duration.ofDays(7));
    if (window.compareTo(interval) < 0) {
      error(
          p + ".window",
          "'"
              + Durations.format(window)
              + "' is shorter than calibration.interval ("
              + Durations.format(interval)
              + "): samples would be dropped before any fit sees them");
    }
    double r2 = number(n, p, "minRSquared", 0.8, 0, 1);
    if (errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new CalibrationSettings(interval, window, r2));
  }
}
