package io.ecokube.api.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One term of a pod's required node affinity on node labels.
 *
 * @param key the label key
 * @param operator how the label is tested
 * @param values the values for {@code IN} / {@code NOT_IN}
 */
public record NodeSelectorRequirement(String key, Operator operator, Set<String> values) {

  /** How a label is tested (Kubernetes' node affinity operators on labels). */
  public enum Operator {
    /** The label exists and its value is one of the values. */
    IN,
    /** The label is absent or its value is none of the values. */
    NOT_IN,
    /** The label exists. */
    EXISTS,
    /** The label is absent. */
    DOES_NOT_EXIST
  }

  /** Validates and copies. */
  public NodeSelectorRequirement {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operator, "operator");
    values = Set.copyOf(Objects.requireNonNull(values, "values"));
    if ((operator == Operator.IN || operator == Operator.NOT_IN) && values.isEmpty()) {
      throw new IllegalArgumentException(
          "node affinity on '" + key + "' with " + operator + " needs at least one value");
    }
  }

  /** Whether a node with these labels satisfies the requirement. */
  public boolean matches(Map<String, String> labels) {
    String v = labels.get(key);
    return switch (operator) {
      case IN -> v != null && values.contains(v);
      case NOT_IN -> v == null || !values.contains(v);
      case EXISTS -> v != null;
      case DOES_NOT_EXIST -> v == null;
    };
  }
}
