package io.ecokube.api.power;

/**
 * What a {@link PowerDriver} can do. The engine only asks a driver for what it declares; a driver
 * chain skips drivers that lack the capability an operation needs.
 */
public enum PowerCapability {
  /** Can power the machine on (Wake-on-LAN, IPMI, Redfish). */
  POWER_ON,
  /** Can ask the operating system to shut down. */
  POWER_OFF_GRACEFUL,
  /** Can cut power without the operating system's help. */
  POWER_OFF_FORCED,
  /** Can read whether the machine is on or off. */
  READ_STATE
}
