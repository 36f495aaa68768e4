package io.ecokube.sim.cluster;

/**
 * Faults to inject into a {@link SimulatedMachine}, so tests and simulations can exercise the
 * engine's retries, fallbacks and quarantine.
 *
 * @param neverBoots power-on requests are accepted but the machine never becomes Ready
 * @param powerOffFails power-off requests fail with a protocol error
 * @param unreachableCalls the next this-many driver calls fail as unreachable, then calls succeed
 */
public record SimulatedFailures(boolean neverBoots, boolean powerOffFails, int unreachableCalls) {
  /** No faults. */
  public static final SimulatedFailures NONE = new SimulatedFailures(false, false, 0);

  /** Validates. */
  public SimulatedFailures {
    if (unreachableCalls < 0) {
      throw new IllegalArgumentException("unreachableCalls must be >= 0, got " + unreachableCalls);
    }
  }

  /** A machine that accepts power-on but never boots. */
  public static SimulatedFailures neverBooting() {
    return new SimulatedFailures(true, false, 0);
  }

  /** A machine whose power-off always fails. */
  public static SimulatedFailures powerOffFailing() {
    return new SimulatedFailures(false, true, 0);
  }

  /** A machine whose next {@code calls} driver calls fail as unreachable. */
  public static SimulatedFailures unreachableFor(int calls) {
    return new SimulatedFailures(false, false, calls);
  }
}
