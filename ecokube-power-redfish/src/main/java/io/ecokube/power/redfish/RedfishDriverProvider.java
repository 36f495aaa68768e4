package io.ecokube.power.redfish;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import java.util.Set;

/**
 * The {@code redfish} power driver provider, found through {@link java.util.ServiceLoader}. It
 * validates a node's settings ({@link RedfishSettings#from}), loads the trust store, and touches no
 * network until the driver's first call.
 */
public final class RedfishDriverProvider implements PowerDriverProvider {

  /** Creates the provider (ServiceLoader needs a public no-argument constructor). */
  public RedfishDriverProvider() {}

  @Override
  public String name() {
    return RedfishDriver.NAME;
  }

  @Override
  public PowerDriver create(DriverContext context) {
    return new RedfishDriver(
        context.node(), RedfishSettings.from(context.settings()), context.clock());
  }

  @Override
  public Set<String> settingKeys() {
    return RedfishSettings.KEYS;
  }
}
