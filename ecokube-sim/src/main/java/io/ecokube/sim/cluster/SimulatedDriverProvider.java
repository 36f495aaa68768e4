package io.ecokube.sim.cluster;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code sim} power driver: drives the {@link SimulatedMachine}s of an {@link InMemoryCluster},
 * so a config-driven simulation uses the same driver chains as a real deployment. It is registered
 * programmatically (it needs the cluster), never through {@link java.util.ServiceLoader}.
 *
 * <p>Settings (all optional):
 *
 * <ul>
 *   <li>{@code bootTime}, {@code shutdownTime}: override the node's power profile delays
 *   <li>{@code failure}: {@code none}, {@code never-boots} or {@code power-off-fails}
 *   <li>{@code unreachableCalls}: the first N calls fail as unreachable (0..1000)
 *   <li>{@code can}: comma-separated subset of {@code on, off, force-off, state} (default all), to
 *       stand in for drivers that cannot do everything
 * </ul>
 */
public final class SimulatedDriverProvider implements PowerDriverProvider {
  /** The name config uses. */
  public static final String NAME = "sim";

  private static final Map<String, PowerCapability> CAPABILITY_WORDS =
      Map.of(
          "on", PowerCapability.POWER_ON,
          "off", PowerCapability.POWER_OFF_GRACEFUL,
          "force-off", PowerCapability.POWER_OFF_FORCED,
          "state", PowerCapability.READ_STATE);

  private final Function<String, Optional<SimulatedMachine>> machines;

  /**
   * Creates a provider.
   *
   * @param machines finds a node's machine; empty for a node outside the simulation
   */
  public SimulatedDriverProvider(Function<String, Optional<SimulatedMachine>> machines) {
    this.machines = machines;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PowerDriver create(DriverContext context) {
    DriverSettings s = context.settings();
    Optional<Duration> boot = s.string("bootTime").map(v -> s.duration("bootTime", Duration.ZERO));
    Optional<Duration> shutdown =
        s.string("shutdownTime").map(v -> s.duration("shutdownTime", Duration.ZERO));
    String failure = s.oneOf("failure", "none", Set.of("none", "never-boots", "power-off-fails"));
    int unreachable = s.integer("unreachableCalls", 0, 0, 1000);
    Set<PowerCapability> caps = capabilities(s);
    Optional<SimulatedMachine> machine = machines.apply(context.node());
    if (machine.isEmpty()) {
      return new Detached(context.node(), caps);
    }
    SimulatedMachine m = machine.get();
    if (boot.isPresent() || shutdown.isPresent()) {
      m.delays(
          boot.orElseGet(() -> currentDelay(m, true)),
          shutdown.orElseGet(() -> currentDelay(m, false)));
    }
    if (!failure.equals("none") || unreachable > 0) {
      m.inject(
          new SimulatedFailures(
              failure.equals("never-boots"), failure.equals("power-off-fails"), unreachable));
    }
    return new SimulatedPowerDriver(m, caps);
  }

  private static Duration currentDelay(SimulatedMachine m, boolean boot) {
    return boot ? m.bootTime() : m.shutdownTime();
  }

  private static Set<PowerCapability> capabilities(DriverSettings s) {
    Optional<String> raw = s.string("can");
    if (raw.isEmpty()) {
      return EnumSet.allOf(PowerCapability.class);
    }
    Set<PowerCapability> caps = EnumSet.noneOf(PowerCapability.class);
    for (String word : raw.get().split(",")) {
      PowerCapability c = CAPABILITY_WORDS.get(word.trim().toLowerCase(Locale.ROOT));
      if (c == null) {
        throw s.error(
            "can",
            "'"
                + word.trim()
                + "' is not a capability; use a comma-separated subset of [force-off, off, on,"
                + " state]");
      }
      caps.add(c);
    }
    return caps;
  }

  /** A driver for a node that has no machine in the simulation: every call says so. */
  private record Detached(String node, Set<PowerCapability> capabilities) implements PowerDriver {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void powerOn() throws PowerException {
      throw missing();
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      throw missing();
    }

    @Override
    public PowerState readState() throws PowerException {
      throw missing();
    }

    private PowerException missing() {
      return new PowerException(
          PowerException.Kind.CONFIGURATION,
          node,
          "simulated-bmc",
          "node is not part of the in-memory cluster; add it before driving its power");
    }
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of("bootTime", "shutdownTime", "failure", "unreachableCalls", "can");
  }
}
