package io.ecokube.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as config writes them: a whole number with a unit ({@code 500ms}, {@code 30s}, {@code
 * 10m}, {@code 2h}, {@code 1d}) or ISO-8601 ({@code PT30S}).
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("([0-9]+)\\s*(ms|s|m|h|d)");

  /** For messages: the accepted forms. */
  /** What a duration looks like, for error messages. */
  public static final String HINT = "use e.g. 500ms, 30s, 10m, 2h, 1d or PT30S";

  private Durations() {}

  /** Parses a duration, empty when the text is not one. */
  public static Optional<Duration> parse(String text) {
    String v = text.trim();
    Matcher m = SHORT.matcher(v.toLowerCase(Locale.ROOT));
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return Optional.of(
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            });
      }
      if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
        return Optional.of(Duration.parse(v.toUpperCase(Locale.ROOT)));
      }
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The shortest exact form: {@code 1d}, {@code 10m}, {@code 30s}, {@code 500ms}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (!Duration.ofMillis(ms).equals(d)) {
      return d.toString();
    }
    if (ms != 0 && ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
