package io.ecokube.power.wol;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.time.Sleeper;
import java.util.Set;

/**
 * The {@code wol} driver: wakes nodes with Wake-on-LAN magic packets. Settings are validated here,
 * without network I/O; see the module README for the keys and defaults.
 */
public final class WakeOnLanDriverProvider implements PowerDriverProvider {
  /** The name config uses for this driver. */
  public static final String NAME = "wol";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public WakeOnLanDriverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PowerDriver create(DriverContext context) {
    return new WakeOnLanDriver(
        context.node(), WolSettings.from(context.settings()), Sleeper.system());
  }

  @Override
  public Set<String> settingKeys() {
    return WolSettings.KEYS;
  }
}
