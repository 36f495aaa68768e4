package io.ecokube.controller.resources;

import java.util.List;
import java.util.Objects;

/**
 * What became of one custom resource when the effective config was assembled.
 *
 * @param applied whether its settings are in force
 * @param reason one CamelCase word: {@code Applied}, {@code Conflict}, {@code Invalid}, {@code
 *     NoSuchPool}
 * @param message what a person reads: what is wrong and how to fix it
 * @param warnings problems that leave it applied but not whole (a node left unmanaged, a node
 *     another pool already holds), each a sentence
 * @param nodes for a NodePool, the Nodes it manages
 */
public record Verdict(
    boolean applied, String reason, String message, List<String> warnings, List<String> nodes) {
  /** Copies. */
  public Verdict {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
    warnings = List.copyOf(warnings);
    nodes = List.copyOf(nodes);
  }

  static Verdict refused(String reason, String message) {
    return new Verdict(false, reason, message, List.of(), List.of());
  }
}
