package io.ecokube.api.power;

/** How a machine is powered off. */
public enum PowerOffMode {
  /**
   * Ask the operating system to shut down (ACPI soft-off, {@code systemctl poweroff},
   * GracefulShutdown).
   */
  GRACEFUL,
  /** Cut power at once (chassis power off, ForceOff); used when a graceful request failed. */
  FORCED
}
