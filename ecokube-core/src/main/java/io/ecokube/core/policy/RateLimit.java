package io.ecokube.core.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code count} actions within any sliding {@code window}.
 *
 * @param count the most actions allowed in a window, >= 1
 * @param window the window, positive
 */
public record RateLimit(int count, Duration window) {
  /** Validates. */
  public RateLimit {
    Objects.requireNonNull(window, "window");
    if (count < 1) {
      throw new IllegalArgumentException("rate limit count must be >= 1, got " + count);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("rate limit window must be positive, got " + window);
    }
  }

  /** No practical limit. */
  public static RateLimit unlimited() {
    return new RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));
  }
}
