package io.ecokube.power.redfish;

/** How the driver authenticates to the Redfish service. */
public enum AuthMode {
  /** A Redfish session ({@code X-Auth-Token}); HTTP Basic when the service has no sessions. */
  AUTO,
  /** A Redfish session only; fail when the service cannot create one. */
  SESSION,
  /** HTTP Basic authentication on every request, no session. */
  BASIC
}
