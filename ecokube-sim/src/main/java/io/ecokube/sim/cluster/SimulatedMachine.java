package io.ecokube.sim.cluster;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The electrical side of one simulated server on virtual time: a power-on request makes it boot for
 * its boot time, after which it runs; a graceful power-off makes it shut down for its shutdown
 * time. States are evaluated against the clock whenever asked, so advancing a {@link
 * io.ecokube.api.time.ManualClock} is all it takes for a machine to finish booting. Thread-safe.
 */
public final class SimulatedMachine {
  private static final String ENDPOINT = "simulated-bmc";

  private final String node;
  private final Clock clock;
  private Duration bootTime;
  private Duration shutdownTime;
  private PowerState state;
  private Instant transitionEndsAt;
  private boolean wakeAfterShutdown;
  private SimulatedFailures failures = SimulatedFailures.NONE;
  private int unreachableLeft;
  private int powerOnRequests;
  private int powerOffRequests;

  /**
   * Creates a machine.
   *
   * @param node the node it carries
   * @param clock virtual or real time
   * @param bootTime from power-on request to running
   * @param shutdownTime from graceful power-off request to off
   * @param on whether it starts running (otherwise off)
   */
  public SimulatedMachine(
      String node, Clock clock, Duration bootTime, Duration shutdownTime, boolean on) {
    this.node = Objects.requireNonNull(node, "node");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bootTime = requireNotNegative("bootTime", bootTime);
    this.shutdownTime = requireNotNegative("shutdownTime", shutdownTime);
    this.state = on ? PowerState.ON : PowerState.OFF;
  }

  private static Duration requireNotNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + d);
    }
    return d;
  }

  /** The node this machine carries. */
  public String node() {
    return node;
  }

  /** Changes the boot and shutdown delays for later requests. */
  public synchronized void delays(Duration boot, Duration shutdown) {
    this.bootTime = requireNotNegative("bootTime", boot);
    this.shutdownTime = requireNotNegative("shutdownTime", shutdown);
  }

  /** The current boot delay. */
  public synchronized Duration bootTime() {
    return bootTime;
  }

  /** The current shutdown delay. */
  public synchronized Duration shutdownTime() {
    return shutdownTime;
  }

  /** Replaces the injected faults; the unreachable counter restarts from the new value. */
  public synchronized void inject(SimulatedFailures f) {
    this.failures = Objects.requireNonNull(f, "failures");
    this.unreachableLeft = f.unreachableCalls();
  }

  /** The power state now, after letting any boot or shutdown that is due complete. */
  public synchronized PowerState state() {
    settle();
    return state;
  }

  /** Whether the machine runs now (booted and not shutting down). */
  public boolean running() {
    return state() == PowerState.ON;
  }

  /** When the current boot or shutdown completes, empty when none is under way or it never ends. */
  public synchronized Optional<Instant> nextTransition() {
    settle();
    if (state == PowerState.SHUTTING_DOWN
        || (state == PowerState.BOOTING && !failures.neverBoots())) {
      return Optional.of(transitionEndsAt);
    }
    return Optional.empty();
  }

  /** How many power-on requests were delivered. */
  public synchronized int powerOnRequests() {
    return powerOnRequests;
  }

  /** How many power-off requests were delivered. */
  public synchronized int powerOffRequests() {
    return powerOffRequests;
  }

  /** Requests power-on, as a driver would. */
  public synchronized void powerOn() throws PowerException {
    reachable("power on");
    settle();
    powerOnRequests++;
    switch (state) {
      case OFF -> startBoot(clock.now());
      case SHUTTING_DOWN -> wakeAfterShutdown = true;
      default -> {
        // already on or booting: a repeated wake is harmless, as with a real BMC
      }
    }
  }

  /** Requests power-off, as a driver would. */
  public synchronized void powerOff(PowerOffMode mode) throws PowerException {
    reachable("power off");
    if (failures.powerOffFails()) {
      throw new PowerException(
          PowerException.Kind.PROTOCOL,
          node,
          ENDPOINT,
          "simulated power-off failure; the machine stays as it is");
    }
    settle();
    powerOffRequests++;
    wakeAfterShutdown = false;
    if (mode == PowerOffMode.FORCED) {
      state = PowerState.OFF;
      return;
    }
    if (state == PowerState.ON || state == PowerState.BOOTING) {
      state = PowerState.SHUTTING_DOWN;
      transitionEndsAt = clock.now().plus(shutdownTime);
      settle();
    }
  }

  /** Reads the state, as a driver would (subject to injected unreachability). */
  public synchronized PowerState readState() throws PowerException {
    reachable("read power state");
    return state();
  }

  private void reachable(String what) throws PowerException {
    if (unreachableLeft > 0) {
      unreachableLeft--;
      throw new PowerException(
          PowerException.Kind.UNREACHABLE,
          node,
          ENDPOINT,
          "simulated network fault during " + what + "; check the injected failures");
    }
  }

  private void startBoot(Instant at) {
    state = PowerState.BOOTING;
    transitionEndsAt = at.plus(bootTime);
  }

  private void settle() {
    Instant now = clock.now();
    if (state == PowerState.SHUTTING_DOWN && !now.isBefore(transitionEndsAt)) {
      state = PowerState.OFF;
      if (wakeAfterShutdown) {
        wakeAfterShutdown = false;
        startBoot(transitionEndsAt);
      }
    }
    if (state == PowerState.BOOTING && !failures.neverBoots() && !now.isBefore(transitionEndsAt)) {
      state = PowerState.ON;
    }
  }

  @Override
  public synchronized String toString() {
    return "SimulatedMachine[" + node + ", " + state + "]";
  }
}
