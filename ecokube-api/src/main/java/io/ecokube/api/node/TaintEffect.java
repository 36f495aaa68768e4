package io.ecokube.api.node;

/** What a taint does to pods that do not tolerate it (Kubernetes semantics). */
public enum TaintEffect {
  /** New pods that do not tolerate it are not scheduled on the node. */
  NO_SCHEDULE,
  /** The scheduler avoids the node but may use it; Eco-Kube treats it as allowed. */
  PREFER_NO_SCHEDULE,
  /** Running pods that do not tolerate it are evicted, and new ones are not scheduled. */
  NO_EXECUTE
}
