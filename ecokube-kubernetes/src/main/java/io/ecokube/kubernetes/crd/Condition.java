package io.ecokube.kubernetes.crd;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A status condition as the controller decides it; the writer adds {@code lastTransitionTime} and
 * {@code observedGeneration}.
 *
 * @param type e.g. {@code Ready}, {@code Degraded}, {@code BudgetExceeded}, {@code PowerCapReached}
 * @param status true or false
 * @param reason one CamelCase word, e.g. {@code Applied}, {@code Conflict}
 * @param message what a person reads: what is wrong and what to do
 */
public record Condition(String type, boolean status, String reason, String message) {
  private static final Pattern REASON = Pattern.compile("[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?");

  /** Validates: the API server refuses a reason that is not one CamelCase word. */
  public Condition {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    if (!REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("condition reason must be one CamelCase word: " + reason);
    }
  }

  /** {@code True} or {@code False}, as the API writes it. */
  public String statusText() {
    return status ? "True" : "False";
  }
}
