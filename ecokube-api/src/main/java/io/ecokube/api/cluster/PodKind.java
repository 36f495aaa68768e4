package io.ecokube.api.cluster;

/** What kind of pod this is, as far as powering its node off is concerned. */
public enum PodKind {
  /** Real work: its node is never powered off while it runs there. */
  WORKLOAD,
  /** A DaemonSet pod: runs on every node and does not count as work. */
  DAEMONSET,
  /** A mirror (static) pod: managed by the kubelet, does not count as work. */
  MIRROR;

  /** Whether a pod of this kind keeps its node on. */
  public boolean countsAsWork() {
    return this == WORKLOAD;
  }
}
