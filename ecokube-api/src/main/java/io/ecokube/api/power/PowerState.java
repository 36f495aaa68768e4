package io.ecokube.api.power;

/** The electrical state of a machine as a power driver sees it. */
public enum PowerState {
  /** Powered and running. */
  ON,
  /** Powered off (soft-off or mechanical off). */
  OFF,
  /** Power-on was requested and the machine has not yet reported that it runs. */
  BOOTING,
  /** Power-off was requested and the machine has not yet reported that it is off. */
  SHUTTING_DOWN,
  /** Not known: never read, or the last read failed. The engine reads state before acting on it. */
  UNKNOWN
}
