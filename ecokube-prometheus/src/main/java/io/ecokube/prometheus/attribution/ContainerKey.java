package io.ecokube.prometheus.attribution;

import java.util.Objects;

/**
 * Which container a Kepler series is about.
 *
 * @param node the node it runs on
 * @param namespace its pod's namespace; empty for a process outside Kubernetes (Kepler's system
 *     processes, or a 0.10 container whose pod Kepler did not report)
 * @param pod its pod's name; empty as for {@code namespace}
 * @param container the container's name
 */
public record ContainerKey(String node, String namespace, String pod, String container) {
  /** Validates. */
  public ContainerKey {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(container, "container");
  }

  /** The pod this container belongs to. */
  public PodKey podKey() {
    return new PodKey(namespace, pod);
  }
}
