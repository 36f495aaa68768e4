package io.ecokube.api.node;

import java.util.Objects;
import java.util.Optional;

/**
 * A pod's toleration of taints (Kubernetes semantics).
 *
 * @param key the taint key; empty with {@link Operator#EXISTS} tolerates every taint
 * @param operator how the value is compared
 * @param value the value for {@link Operator#EQUAL}
 * @param effect the effect tolerated; empty tolerates all effects
 */
public record Toleration(
    Optional<String> key, Operator operator, String value, Optional<TaintEffect> effect) {

  /** How a toleration matches a taint's value. */
  public enum Operator {
    /** Key and value must be equal. */
    EQUAL,
    /** The key must match; the value is ignored. */
    EXISTS
  }

  /** Validates the toleration. */
  public Toleration {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(effect, "effect");
    if (key.isEmpty() && operator != Operator.EXISTS) {
      throw new IllegalArgumentException("a toleration without a key must use operator Exists");
    }
  }

  /** Tolerates a taint with this key and value, any effect. */
  public static Toleration equal(String key, String value) {
    return new Toleration(Optional.of(key), Operator.EQUAL, value, Optional.empty());
  }

  /** Tolerates any taint with this key. */
  public static Toleration exists(String key) {
    return new Toleration(Optional.of(key), Operator.EXISTS, "", Optional.empty());
  }

  /** Whether this toleration tolerates the taint. */
  public boolean tolerates(Taint taint) {
    if (effect.isPresent() && effect.get() != taint.effect()) {
      return false;
    }
    if (key.isEmpty()) {
      return true;
    }
    if (!key.get().equals(taint.key())) {
      return false;
    }
    return operator == Operator.EXISTS || value.equals(taint.value());
  }
}
