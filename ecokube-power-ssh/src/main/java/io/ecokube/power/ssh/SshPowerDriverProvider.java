package io.ecokube.power.ssh;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import java.util.Set;

/**
 * The {@code ssh} driver: powers nodes off with a shutdown command over SSH and reads power state
 * from SSH port reachability. Creating a driver reads (and decrypts) the private key and resolves
 * secret references but does no network I/O; see the module README for settings and defaults.
 */
public final class SshPowerDriverProvider implements PowerDriverProvider {
  /** The name config uses for this driver. */
  public static final String NAME = "ssh";

  /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
  public SshPowerDriverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PowerDriver create(DriverContext context) {
    return new SshPowerDriver(
        context.node(), SshSettings.from(context.settings()), context.clock());
  }

  @Override
  public Set<String> settingKeys() {
    return SshSettings.KEYS;
  }
}
