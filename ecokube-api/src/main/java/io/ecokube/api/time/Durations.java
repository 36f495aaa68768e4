package io.ecokube.api.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Eco-Kube, used by config files, driver settings and command lines: a
 * whole number with a unit ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}) or
 * ISO-8601 ({@code PT30S}, {@code P2D}). Values are bounded by {@link #MAX} so a typo such as
 * {@code 1000000000000d} is rejected with a message instead of overflowing later arithmetic.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("([0-9]+)\\s*(ms|s|m|h|d)");

  /** The longest duration accepted: 100 years (36500d), far beyond any sensible setting. */
  public static final Duration MAX = Duration.ofDays(36_500);

  /** For messages: the accepted forms. */
  public static final String HINT = "use e.g. 500ms, 30s, 10m, 2h, 1d or PT30S";

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms when it is not a
   *     duration, or naming the limit when it is longer than {@link #MAX}
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration; " + HINT);
    }
    String v = text.trim();
    Duration d;
    try {
      d = parseUnbounded(v);
    } catch (ArithmeticException e) {
      throw tooLong(text);
    }
    if (d == null) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; " + HINT);
    }
    if (d.abs().compareTo(MAX) > 0) {
      throw tooLong(text);
    }
    return d;
  }

  /** Parses a duration, empty when the text is not one or is longer than {@link #MAX}. */
  public static Optional<Duration> tryParse(String text) {
    try {
      return Optional.of(parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static IllegalArgumentException tooLong(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is longer than the limit of " + format(MAX) + " (100 years)");
  }

  /** Null when the text has neither form; ArithmeticException when it overflows. */
  private static Duration parseUnbounded(String v) {
    Matcher m = SHORT.matcher(v.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        // only digits matched, so the number is too large for a long
        throw new ArithmeticException("overflow");
      }
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    String upper = v.toUpperCase(Locale.ROOT);
    if (upper.startsWith("P") || upper.startsWith("-P") || upper.startsWith("+P")) {
      try {
        return Duration.parse(upper);
      } catch (DateTimeParseException e) {
        if (e.getCause() instanceof ArithmeticException ae) {
          throw ae;
        }
        return null;
      }
    }
    return null;
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
