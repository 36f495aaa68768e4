package io.ecokube.api.plan;

/** What the engine asks the executor to do to a node. */
public enum ActionType {
  /** Power the node on (OFF -&gt; BOOTING). */
  WAKE,
  /** Cordon and drain the node on its way off (ACTIVE -&gt; DRAINING). */
  DRAIN,
  /** Power the drained node off (DRAINING -&gt; SHUTTING_DOWN). */
  POWER_OFF,
  /** Let pods back onto the node (BOOTING or DRAINING -&gt; ACTIVE). */
  UNCORDON,
  /** Read the node's power state (UNKNOWN or FAILED nodes). */
  PROBE
}
