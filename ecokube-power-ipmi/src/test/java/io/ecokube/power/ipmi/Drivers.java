package io.ecokube.power.ipmi;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Builds ipmi drivers the way the engine does: settings map, secret reference, provider. */
final class Drivers {
  /** Secrets the tests resolve; the settings hold only the references. */
  static final SecretResolver SECRETS =
      SecretResolver.inMemory(Map.of("mem:bmc", IpmiSim.PASSWORD, "mem:wrong", "not-the-password"));

  private Drivers() {}

  /** Settings for the simulator as admin, with the given overrides. */
  static DriverSettings settings(String node, IpmiSim sim, Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("host", "127.0.0.1");
    m.put("port", Integer.toString(sim.port()));
    m.put("username", IpmiSim.USER);
    m.put("password", "mem:bmc");
    m.put("minCommandInterval", "10ms");
    m.putAll(overrides);
    return new DriverSettings(node, m, SECRETS);
  }

  static IpmiPowerDriver create(String node, DriverSettings settings) {
    return create(node, settings, Clock.system());
  }

  static IpmiPowerDriver create(String node, DriverSettings settings, Clock clock) {
    return (IpmiPowerDriver)
        new IpmiPowerDriverProvider().create(new DriverContext(node, settings, clock));
  }

  static IpmiPowerDriver create(
      String node, IpmiSim sim, Map<String, String> overrides, Clock clock) {
    return create(node, settings(node, sim, overrides), clock);
  }

  static IpmiPowerDriver create(String node, IpmiSim sim, Map<String, String> overrides) {
    return create(node, settings(node, sim, overrides));
  }

  static IpmiPowerDriver create(String node, IpmiSim sim) {
    return create(node, sim, Map.of());
  }
}
