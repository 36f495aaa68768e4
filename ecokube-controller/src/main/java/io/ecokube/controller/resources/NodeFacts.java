package io.ecokube.controller.resources;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a NodePool reads from a Node: its name and labels (for the selector), its annotations and
 * labels (for a per-node address the NodePool asks for), its allocatable CPU and memory.
 *
 * @param name the Node's name
 * @param labels its labels
 * @param annotations its annotations
 * @param cpu allocatable CPU as the Node reports it (a Kubernetes quantity), if it does
 * @param memory allocatable memory, if reported
 */
public record NodeFacts(
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    Optional<String> cpu,
    Optional<String> memory) {
  /** Copies. */
  public NodeFacts {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
  }
}
