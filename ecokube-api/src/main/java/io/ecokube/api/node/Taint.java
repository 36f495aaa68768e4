package io.ecokube.api.node;

import java.util.Objects;

/**
 * A node taint.
 *
 * @param key the taint key
 * @param value the taint value, possibly empty
 * @param effect what it does
 */
public record Taint(String key, String value, TaintEffect effect) {
  /** Validates the taint. */
  public Taint {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(effect, "effect");
    if (key.isBlank()) {
      throw new IllegalArgumentException("taint key must not be blank");
    }
  }

  /** Whether pods that do not tolerate this taint are kept off the node. */
  public boolean repels() {
    return effect != TaintEffect.PREFER_NO_SCHEDULE;
  }
}
