package io.ecokube.config;

import java.util.List;

/**
 * A config document is invalid. {@link #problems()} lists every problem found, each with its key
 * path, what is wrong and what is allowed, and the line and column of the key in the source (for
 * example {@code nodes[2].pool (line 14, column 5): 'gpu' is not a declared pool; declared:
 * [default, green]}); the message lists them all. Secret values never appear.
 */
public class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 2L;

  private final List<ConfigProblem> problems;

  /** Creates an exception for the given problems (at least one). */
  public ConfigException(String source, List<ConfigProblem> problems) {
    super(format(source, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a config exception needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  private static String format(String source, List<ConfigProblem> problems) {
    StringBuilder b = new StringBuilder();
    b.append(source)
        .append(" has ")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem:" : " problems:");
    for (ConfigProblem p : problems) {
      b.append(System.lineSeparator()).append("  - ").append(p.located());
    }
    return b.toString();
  }

  /** Every problem, in document order, with its location in the source. */
  public List<ConfigProblem> problems() {
    return problems;
  }

  /** Every problem as {@code path: problem}, in document order. */
  public List<String> errors() {
    return problems.stream().map(ConfigProblem::toString).toList();
  }
}
