package io.ecokube.core.policy;

import io.ecokube.api.node.NodeSpec;
import java.util.Objects;

/**
 * Which nodes count as green (efficient, or on renewable supply) and how strongly they are
 * preferred when a node has to be woken. A wake candidate's cost is its idle watts per allocatable
 * core; a green node's cost is multiplied by {@code weight} before candidates are ranked, and among
 * candidates of equal weighted cost green nodes come first. With {@code weight} 1 the label is a
 * pure tie-break; with the default 0.8 a green node wins unless it costs more than 25 % more watts
 * per core than the best other candidate.
 *
 * @param labelKey the node label that marks a green node
 * @param labelValue the value the label must have
 * @param weight the factor applied to a green node's cost, in (0, 1]
 */
public record GreenPreference(String labelKey, String labelValue, double weight) {
  /** The default label key. */
  public static final String DEFAULT_KEY = "ecokube.io/green";

  /** Validates. */
  public GreenPreference {
    Objects.requireNonNull(labelKey, "labelKey");
    Objects.requireNonNull(labelValue, "labelValue");
    if (labelKey.isBlank()) {
      throw new IllegalArgumentException("green label key must not be blank");
    }
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("green weight must be in (0, 1], got " + weight);
    }
  }

  /** {@code ecokube.io/green=true}, weight 0.8. */
  public static GreenPreference defaults() {
    return new GreenPreference(DEFAULT_KEY, "true", 0.8);
  }

  /** Whether the node carries the label with the value. */
  public boolean isGreen(NodeSpec node) {
    return labelValue.equals(node.labels().get(labelKey));
  }

  /** {@code key=value}. */
  public String label() {
    return labelKey + "=" + labelValue;
  }
}
