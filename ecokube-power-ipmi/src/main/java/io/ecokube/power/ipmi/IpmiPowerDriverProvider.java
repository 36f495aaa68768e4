package io.ecokube.power.ipmi;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.time.Sleeper;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ipmi} driver's {@link java.util.ServiceLoader} entry point. Settings are listed in
 * {@link IpmiSettings}; creating a driver validates them and does no network I/O.
 *
 * <p>The drivers one provider creates for nodes behind the same BMC ({@code host:port}) share one
 * pacer, which keeps {@code minCommandInterval} between their requests; drivers of different
 * providers never wait for each other.
 */
public final class IpmiPowerDriverProvider implements PowerDriverProvider {
  private static final Logger log = LoggerFactory.getLogger(IpmiPowerDriverProvider.class);

  private final BmcPacers pacers;

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public IpmiPowerDriverProvider() {
    this(Sleeper.system());
  }

  /** A provider whose pacers wait with the given sleeper: virtual waiting in tests. */
  IpmiPowerDriverProvider(Sleeper sleeper) {
    this.pacers = new BmcPacers(sleeper);
  }

  @Override
  public String name() {
    return IpmiPowerDriver.NAME;
  }

  @Override
  public PowerDriver create(DriverContext context) {
    IpmiSettings settings = IpmiSettings.from(context.settings());
    if (settings.cipherSuites().contains(0)) {
      log.warn(
          "node '{}': allowCipherSuiteZero=true lets the ipmi driver use cipher suite 0 with BMC"
              + " {}: NO authentication (CVE-2013-4782); anyone on this network who knows a user"
              + " name can power this machine",
          context.node(),
          settings.endpoint());
    }
    return new IpmiPowerDriver(
        context.node(),
        settings,
        context.clock(),
        pacers.forBmc(settings.endpoint(), settings.minCommandInterval(), context.clock()));
  }

  @Override
  public Set<String> settingKeys() {
    return IpmiSettings.KEYS;
  }
}
