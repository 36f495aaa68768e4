package io.ecokube.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Durations as config writes them. The grammar itself is {@link io.ecokube.api.time.Durations},
 * shared with driver settings and command lines; this keeps the loader's Optional-returning form.
 */
public final class Durations {

  /** For messages: the accepted forms. */
  public static final String HINT = io.ecokube.api.time.Durations.HINT;

  private Durations() {}

  /** Parses a duration, empty when the text is not one or exceeds the shared limit. */
  public static Optional<Duration> parse(String text) {
    return io.ecokube.api.time.Durations.tryParse(text);
  }

  /** The shortest exact form: {@code 1d}, {@code 10m}, {@code 30s}, {@code 500ms}. */
  public static String format(Duration d) {
    return io.ecokube.api.time.Durations.format(d);
  }
}
