package io.ecokube.controller.api;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Query parameters, checked: unknown ones and bad values are problems that name them. */
final class Params {
  private Params() {}

  /** Refuses parameters the endpoint does not take (a typo should not be silently ignored). */
  static void only(Map<String, String> q, Set<String> allowed) {
    for (String k : q.keySet()) {
      if (!allowed.contains(k)) {
        throw ApiProblem.badParameter(
            k,
            "unknown parameter '"
                + k
                + "'"
                + (allowed.isEmpty() ? "; this endpoint takes none" : "; allowed: " + allowed));
      }
    }
  }

  /** A name-like value: a Kubernetes name, at most 253 characters. */
  static Optional<String> name(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v.isEmpty() || v.length() > 253 || !v.matches("[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?")) {
      throw ApiProblem.badParameter(
          key, "'" + v + "' is not a Kubernetes name (letters, digits, '-', '.', at most 253)");
    }
    return Optional.of(v);
  }

  /** An instant in ISO-8601 UTC form. */
  static Optional<Instant> instant(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(v));
    } catch (DateTimeParseException e) {
      throw ApiProblem.badParameter(
          key, "'" + v + "' is not an instant; use ISO-8601 UTC such as 2025-01-01T00:00:00Z");
    }
  }

  /**
   * A period {@code [from, to)}: {@code to} defaults to now and {@code from} to {@code to} minus
   * the default length; at most {@code max} long, not in the future.
   */
  static Instant[] period(Map<String, String> q, Instant now, Duration dflt, Duration max) {
    Instant to = instant(q, "to").orElse(now);
    Instant from = instant(q, "from").orElse(to.minus(dflt));
    if (to.isAfter(now.plusSeconds(60))) {
      throw ApiProblem.badParameter(
          "to", "'" + to + "' is in the future; the API reports the past");
    }
    if (to.isAfter(now)) {
      to = now;
    }
    if (!from.isBefore(to)) {
      throw ApiProblem.badParameter(
          "from", "from " + from + " must be before to " + to + "; give a non-empty period");
    }
    if (Duration.between(from, to).compareTo(max) > 0) {
      throw ApiProblem.badParameter(
          "from",
          "the period from "
              + from
              + " to "
              + to
              + " is longer than "
              + max.toDays()
              + " days; ask for a shorter one");
    }
    return new Instant[] {from, to};
  }
}
