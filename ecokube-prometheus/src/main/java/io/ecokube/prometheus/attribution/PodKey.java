package io.ecokube.prometheus.attribution;

import java.util.Objects;

/**
 * A pod by namespace and name (unique in a cluster at any one time).
 *
 * @param namespace its namespace
 * @param name its name
 */
public record PodKey(String namespace, String name) {
  /** Validates. */
  public PodKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
