package io.ecokube.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One problem of a config document: the key path it is at (for example {@code nodes[2].pool}), what
 * is wrong and what is allowed, and where in the source the key stands.
 *
 * @param path the key path, in the document's own names
 * @param problem what is wrong with the value there and what is allowed; never a secret value
 * @param line the 1-based line of the key in the source, or 0 when unknown
 * @param column the 1-based column of the key in the source, or 0 when unknown
 */
public record ConfigProblem(String path, String problem, int line, int column)
    implements Serializable {
  /** Validates the fields. */
  public ConfigProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(problem, "problem");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be 0 (unknown) or positive");
    }
  }

  /** The line of the key in the source, when known. */
  public OptionalInt lineNumber() {
    return line == 0 ? OptionalInt.empty() : OptionalInt.of(line);
  }

  /** {@code path (line L, column C): problem}, or {@code path: problem} without a location. */
  public String located() {
    return line == 0
        ? toString()
        : path + " (line " + line + ", column " + column + "): " + problem;
  }

  /** {@code path: problem}. */
  @Override
  public String toString() {
    return path + ": " + problem;
  }
}
