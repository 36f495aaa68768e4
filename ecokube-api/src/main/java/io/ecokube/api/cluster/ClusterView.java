package io.ecokube.api.cluster;

/**
 * Where the engine reads the cluster from: an informer cache, an in-memory cluster, a simulator.
 * {@link #snapshot()} must be cheap and must not block on I/O (serve from a cache).
 */
@FunctionalInterface
public interface ClusterView {
  /** A consistent snapshot of nodes and pods now. */
  ClusterSnapshot snapshot();
}
