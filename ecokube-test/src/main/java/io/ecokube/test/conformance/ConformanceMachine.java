package io.ecokube.test.conformance;

import io.ecokube.api.power.PowerState;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine a driver under test talks to, as {@link PowerDriverConformance} controls it. A plugin
 * author implements it over whatever plays their hardware's side: a {@link
 * io.ecokube.test.virtualnode.VirtualNode}, a BMC emulator, a container.
 *
 * <p>The fault methods only record the fault: the suite calls them before it creates the driver,
 * and the subclass's {@code createDriver} points the driver at the faulty endpoint (a closed port,
 * a {@link SilentServer}). A machine that cannot play a fault keeps the default, which skips that
 * check with a reason.
 */
public interface ConformanceMachine extends AutoCloseable {

  /**
   * The power state the machine itself is in (the truth a driver's readState is checked against).
   */
  PowerState state();

  /** From now on, the driver's endpoint refuses connections or does not exist. */
  default void makeUnreachable() {
    Assumptions.abort("this machine cannot be made unreachable");
  }

  /** From now on, the driver's endpoint accepts connections (if any) and never answers. */
  default void makeUnresponsive() {
    Assumptions.abort("this machine cannot be made unresponsive");
  }

  /** Whether the machine refuses a wrong secret (false for protocols without credentials). */
  default boolean checksCredentials() {
    return false;
  }

  /** Stops the machine's listeners. */
  @Override
  default void close() throws Exception {}
}
