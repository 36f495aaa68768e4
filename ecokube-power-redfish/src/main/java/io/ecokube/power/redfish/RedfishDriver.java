package io.ecokube.power.redfish;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers one node through its BMC's Redfish service: finds the node's ComputerSystem from the
 * service root, reads its {@code PowerState} and posts {@code #ComputerSystem.Reset} with a
 * ResetType the service allows.
 *
 * <p>ResetType choice, first allowed value wins (when the service publishes no allowed values the
 * first of each list, the specification's value, is sent and a log line says so):
 *
 * <ul>
 *   <li>power on: {@code On}, {@code ForceOn}, {@code PushPowerButton}
 *   <li>graceful off: {@code GracefulShutdown}, {@code PushPowerButton} (a short press asks the OS
 *       to shut down through ACPI)
 *   <li>forced off: {@code ForceOff}
 *   <li>power cycle: {@code PowerCycle}, {@code ForceRestart}
 * </ul>
 *
 * <p>A power-on of a system that reports {@code On} or {@code PoweringOn}, and a power-off of one
 * that reports {@code Off}, send nothing: some BMCs answer such a reset with an error.
 *
 * <p>Not thread-safe for concurrent power operations on the same node (the engine never issues
 * them); meter reads may run beside them.
 */
public final class RedfishDriver implements PowerDriver {
  /** The provider name. */
  public static final String NAME = "redfish";

  private static final Logger LOG = LoggerFactory.getLogger(RedfishDriver.class);

  private final String node;
  private final RedfishSettings settings;
  private final RedfishClient client;
  private final RedfishSystems systems;
  private final RedfishResets resets;
  private final ChassisPower chassisPower;
  private volatile boolean closed;

  /**
   * Creates a driver; no network I/O happens until the first call.
   *
   * @param node the node's name, for messages
   * @param settings validated settings
   * @param clock decides deadlines and Retry-After dates
   * @param sleeper waits between retries and task polls
   */
  public RedfishDriver(String node, RedfishSettings settings, Clock clock, Sleeper sleeper) {
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = new RedfishClient(node, settings, clock, sleeper);
    this.systems = new RedfishSystems(node, settings, client);
    this.resets = new RedfishResets(node, settings, client, systems);
    this.chassisPower = new ChassisPower(node, settings, client, systems);
  }

  /** Creates a driver that waits in real time. */
  public RedfishDriver(String node, RedfishSettings settings, Clock clock) {
    this(node, settings, clock, Sleeper.system());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return EnumSet.allOf(PowerCapability.class);
  }

  @Override
  public void powerOn() throws PowerException {
    requireOpen();
    resets.reset(RedfishResets.Intent.ON);
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    requireOpen();
    Objects.requireNonNull(mode, "mode");
    resets.reset(
        mode == PowerOffMode.GRACEFUL
            ? RedfishResets.Intent.GRACEFUL_OFF
            : RedfishResets.Intent.FORCED_OFF);
  }

  /** Power-cycles the system ({@code PowerCycle}, else {@code ForceRestart}). */
  public void powerCycle() throws PowerException {
    requireOpen();
    resets.reset(RedfishResets.Intent.CYCLE);
  }

  @Override
  public PowerState readState() throws PowerException {
    requireOpen();
    return systems.readState();
  }

  /**
   * The ComputerSystem this driver powers, discovered once and cached.
   *
   * @throws PowerException {@link Kind#CONFIGURATION} when the {@code system} setting matches none
   *     or several systems, {@link Kind#UNSUPPORTED} when the service has no ComputerSystem
   */
  public RedfishSystem system() throws PowerException {
    requireOpen();
    return systems.system(client.deadline());
  }

  /** Every ComputerSystem the service lists, read now. */
  public List<RedfishSystem> systems() throws PowerException {
    requireOpen();
    return systems.systems(client.deadline());
  }

  /** The chassis power draw in watts (see {@link RedfishPowerMeter} for the sources tried). */
  public Optional<PowerReading> readPower() throws PowerException {
    requireOpen();
    return chassisPower.read();
  }

  /** Deletes the Redfish session and releases threads. */
  @Override
  public void close() {
    closed = true;
    client.close();
  }

  /**
   * A closed driver belongs to a config that was replaced; without this check its client would log
   * in again with the old credentials.
   */
  private void requireOpen() throws PowerException {
    if (closed) {
      throw new PowerException(
          Kind.UNSUPPORTED,
          node,
          settings.endpoint().toString(),
          "this driver is closed; the engine builds a new one after a reload");
    }
  }

  @Override
  public String toString() {
    return "RedfishDriver[node="
        + node
        + ", endpoint="
        + settings.endpoint()
        + ", user="
        + settings.username()
        + "]";
  }
}
