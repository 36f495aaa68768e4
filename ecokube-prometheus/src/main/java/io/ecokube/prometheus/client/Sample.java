package io.ecokube.prometheus.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One value of an instant-vector result, or one point of a range-vector series.
 *
 * @param labels the series' labels
 * @param at the evaluation (or point) time
 * @param value the value; may be NaN or infinite, as Prometheus sends them
 */
public record Sample(Map<String, String> labels, Instant at, double value) {
  /** Validates and copies. */
  public Sample {
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    Objects.requireNonNull(at, "at");
  }
}
