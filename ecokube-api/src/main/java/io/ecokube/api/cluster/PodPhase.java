package io.ecokube.api.cluster;

/** A pod's lifecycle phase (Kubernetes semantics). */
public enum PodPhase {
  /** Not yet running: unscheduled, or scheduled and starting. */
  PENDING,
  /** Bound to a node and running. */
  RUNNING,
  /** Finished successfully; uses nothing. */
  SUCCEEDED,
  /** Finished with an error; uses nothing. */
  FAILED;

  /** Whether a pod in this phase occupies resources. */
  public boolean active() {
    return this == PENDING || this == RUNNING;
  }
}
