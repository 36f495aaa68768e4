package io.ecokube.api.node;

import java.time.Duration;
import java.util.Objects;

/**
 * How much power a machine draws in each state and how long it takes to change state. Defaults for
 * a typical 1U server come from {@link #typicalServer()}; calibration replaces guesses with
 * measurements.
 *
 * @param offWatts draw when off (BMC standby), >= 0
 * @param idleWatts draw when on and idle, > offWatts
 * @param maxWatts draw at full load, >= idleWatts
 * @param transitionWatts draw while booting or shutting down (POST runs fans and CPUs hard)
 * @param bootTime from power-on request to Ready
 * @param shutdownTime from power-off request to off
 */
public record PowerProfile(
    double offWatts,
    double idleWatts,
    double maxWatts,
    double transitionWatts,
    Duration bootTime,
    Duration shutdownTime) {

  /** Validates the profile. */
  public PowerProfile {
    Objects.requireNonNull(bootTime, "bootTime");
    Objects.requireNonNull(shutdownTime, "shutdownTime");
    if (!(Double.isFinite(offWatts) && offWatts >= 0)) {
      throw new IllegalArgumentException("offWatts must be >= 0, got " + offWatts);
    }
    if (!(Double.isFinite(idleWatts) && idleWatts > offWatts)) {
      throw new IllegalArgumentException(
          "idleWatts must be greater than offWatts (" + offWatts + "), got " + idleWatts);
    }
    if (!(Double.isFinite(maxWatts) && maxWatts >= idleWatts)) {
      throw new IllegalArgumentException(
          "maxWatts must be >= idleWatts (" + idleWatts + "), got " + maxWatts);
    }
    if (!(Double.isFinite(transitionWatts) && transitionWatts >= offWatts)) {
      throw new IllegalArgumentException(
          "transitionWatts must be >= offWatts (" + offWatts + "), got " + transitionWatts);
    }
    if (bootTime.isNegative() || shutdownTime.isNegative()) {
      throw new IllegalArgumentException("boot and shutdown times must not be negative");
    }
  }

  /** A 1U dual-socket server: 5 W off, 120 W idle, 300 W peak, 180 s boot, 60 s shutdown. */
  public static PowerProfile typicalServer() {
    return new PowerProfile(5, 120, 300, 200, Duration.ofSeconds(180), Duration.ofSeconds(60));
  }

  /** Draw when on at the given utilisation in [0, 1]: the linear model idle + (max - idle) x u. */
  public double wattsAt(double utilisation) {
    double u = Math.max(0, Math.min(1, utilisation));
    return idleWatts + (maxWatts - idleWatts) * u;
  }

  /**
   * Energy of one shutdown plus one boot, in joules, above what staying off for that time costs.
   */
  public double cycleExtraJoules() {
    double seconds = (bootTime.toMillis() + shutdownTime.toMillis()) / 1000.0;
    return (transitionWatts - offWatts) * seconds;
  }

  /**
   * The energy break-even time: staying idle this long costs as much as one off/on cycle. A node
   * idle for less should stay on; one idle for longer saves energy when powered off. Equal to the
   * cycle's extra energy divided by what idling costs over being off.
   */
  public Duration breakEven() {
    double seconds = cycleExtraJoules() / (idleWatts - offWatts);
    return Duration.ofMillis(Math.round(seconds * 1000));
  }
}
