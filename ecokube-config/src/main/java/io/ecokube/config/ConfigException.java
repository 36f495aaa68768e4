package io.ecokube.config;

import java.util.List;

/**
 * A config document is invalid. {@link #errors()} lists every problem found, each as {@code path:
 * problem} (for example {@code nodes[2].pool: 'gpu' is not a declared pool; declared: [default,
 * green]}); the message lists them all. Secret values never appear.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The problems; a list of strings so the exception stays serialisable. */
  private final List<String> errors;

  /** Creates an exception for the given problems (at least one). */
  public ConfigException(String source, List<String> errors) {
    super(format(source, errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a config exception needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  private static String format(String source, List<String> errors) {
    StringBuilder b = new StringBuilder();
    b.append(source)
        .append(" has ")
        .append(errors.size())
        .append(errors.size() == 1 ? " problem:" : " problems:");
    for (String e : errors) {
      b.append(System.lineSeparator()).append("  - ").append(e);
    }
    return b.toString();
  }

  /** Every problem, as {@code path: problem}, in document order. */
  public List<String> errors() {
    return errors;
  }
}
