package io.ecokube.core.driver;

import java.util.Objects;

/**
 * A node's driver chain cannot be built: an unknown driver name or a bad setting. The message names
 * the node, the field within the node's power section, the value (never a secret's) and what is
 * allowed.
 */
public class DriverConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String node;
  private final String field;
  private final String problem;

  /**
   * Creates an exception.
   *
   * @param node the node
   * @param field the field, relative to the node's power section: {@code drivers[0].driver}, {@code
   *     drivers[1].settings.mac}
   * @param problem what is wrong and what is allowed
   */
  public DriverConfigException(String node, String field, String problem) {
    super("node '" + node + "': power." + field + ": " + problem);
    this.node = Objects.requireNonNull(node, "node");
    this.field = Objects.requireNonNull(field, "field");
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  /** The node. */
  public String node() {
    return node;
  }

  /** The field, relative to the node's power section. */
  public String field() {
    return field;
  }

  /** What is wrong, without the node and field prefix. */
  public String problem() {
    return problem;
  }
}
