package io.ecokube.api.cluster;

import java.util.List;
import java.util.Objects;

/**
 * What a drain achieved.
 *
 * @param complete true when no workload pod is left on the node
 * @param remaining the pods ({@code namespace/name}) still there when the drain stopped
 * @param detail why it stopped, for events and logs (PDB refused eviction until the timeout, a pod
 *     with local storage, ...)
 */
public record DrainResult(boolean complete, List<String> remaining, String detail) {
  /** Validates and copies. */
  public DrainResult {
    remaining = List.copyOf(Objects.requireNonNull(remaining, "remaining"));
    Objects.requireNonNull(detail, "detail");
    if (complete && !remaining.isEmpty()) {
      throw new IllegalArgumentException("a complete drain cannot leave pods behind");
    }
  }

  /** A drain that emptied the node. */
  public static DrainResult completed() {
    return new DrainResult(true, List.of(), "drained");
  }
}
