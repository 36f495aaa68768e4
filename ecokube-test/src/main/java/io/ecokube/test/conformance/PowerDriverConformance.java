package io.ecokube.test.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link PowerDriver}, as tests any driver can run. A plugin author extends this
 * class in their test sources, starts a machine that plays the hardware's side ({@link
 * #startMachine}) and builds their driver against it ({@link #createDriver}); JUnit then runs every
 * check below against that driver:
 *
 * <ul>
 *   <li>the driver has a name and declares capabilities, and calls outside them fail with {@link
 *       PowerException.Kind#UNSUPPORTED} without touching the machine;
 *   <li>power-on and both power-off modes change the machine's state, and {@code readState} reports
 *       it when {@link PowerCapability#READ_STATE} is declared;
 *   <li>against a machine that never answers, every declared call returns within a bound derived
 *       from the driver's timeout ({@link #callBound()}); if it fails, as TIMEOUT or UNREACHABLE;
 *   <li>an unreachable machine fails as UNREACHABLE (or TIMEOUT; readState may instead report a
 *       state other than ON), wrong credentials as AUTHENTICATION;
 *   <li>the kit's secret ({@link #SECRET}, and {@link #WRONG_SECRET}) never appears in an exception
 *       message, a cause, {@code toString()} or anything written to the standard streams (which is
 *       where slf4j-simple logs);
 *   <li>{@code close()} can be called twice, and later calls fail fast with a PowerException.
 * </ul>
 *
 * <p>Checks a machine cannot play (see {@link ConformanceMachine}) are skipped, not passed.
 *
 * @param <M> the machine type of the subclass
 */
public abstract class PowerDriverConformance<M extends ConformanceMachine> {
  /** The secret the machine accepts; the driver must never reveal it. */
  public static final String SECRET = "kit-secret-7Qw3Zr9x";

  /** A secret the machine refuses; the driver must never reveal it either. */
  public static final String WRONG_SECRET = "kit-wrong-4Hn8Vb2m";

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private ExecutorService calls;
  private OutputCapture output;

  /**
   * Starts a fresh machine for one check.
   *
   * @param secret the password, key passphrase or token the machine accepts
   * @param on whether it starts powered on
   */
  protected abstract M startMachine(String secret, boolean on) throws Exception;

  /**
   * Builds the driver under test for {@code machine}, as its provider would from settings. When the
   * machine was made unreachable or unresponsive, point the driver at the faulty endpoint.
   *
   * @param secret the secret to configure (a reference to it, for drivers that read references)
   * @param timeout the value of the driver's timeout setting
   */
  protected abstract PowerDriver createDriver(M machine, String secret, Duration timeout)
      throws Exception;

  /** The timeout the driver is configured with (default 1 s: short, so hangs show quickly). */
  protected Duration driverTimeout() {
    return Duration.ofSeconds(1);
  }

  /**
   * How long one call may take against a silent machine before the kit calls it a hang. The default
   * allows a connect and a read timeout plus slack; override for drivers that retry.
   */
  protected Duration callBound() {
    return driverTimeout().multipliedBy(3).plusSeconds(2);
  }

  /** How long the machine may take to reach a requested state (boot and shutdown time + slack). */
  protected Duration transitionBound() {
    return Duration.ofSeconds(20);
  }

  /**
   * The operations that present credentials to the machine, checked to fail as AUTHENTICATION with
   * a wrong secret (default: every declared one; a driver that probes a port for readState leaves
   * it out).
   */
  protected Set<PowerCapability> authenticatedOperations(Set<PowerCapability> declared) {
    return declared;
  }

  @BeforeEach
  final void startCapture() {
    calls =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "conformance-call");
              t.setDaemon(true);
              return t;
            });
    output = OutputCapture.start();
  }

  @AfterEach
  final void closeAndCheckOutput() throws Exception {
    try {
      while (!opened.isEmpty()) {
        opened.pop().close();
      }
    } finally {
      output.close();
      calls.shutdownNow();
    }
    assertThat(output.text())
        .as("log and console output of the driver")
        .doesNotContain(SECRET)
        .doesNotContain(WRONG_SECRET);
  }

  @Test
  void declaresNameAndCapabilitiesWithoutRevealingTheSecret() throws Exception {
    PowerDriver driver = driver(machine(false), SECRET);
    assertThat(driver.name()).as("name()").isNotBlank();
    assertThat(driver.capabilities()).as("capabilities()").isNotEmpty();
    assertThat(driver.toString())
        .as("toString()")
        .doesNotContain(SECRET)
        .doesNotContain(WRONG_SECRET);
  }

  @Test
  void undeclaredOperationsFailAsUnsupportedAndLeaveTheMachineAlone() throws Exception {
    M machine = machine(true);
    PowerDriver driver = driver(machine, SECRET);
    Set<PowerCapability> undeclared = EnumSet.allOf(PowerCapability.class);
    undeclared.removeAll(driver.capabilities());
    assumeTrue(!undeclared.isEmpty(), "the driver declares every capability");
    for (PowerCapability op : undeclared) {
      PowerException e = expectFailure(driver, op);
      assertThat(e.kind())
          .as("kind of undeclared %s: %s", op, e.getMessage())
          .isEqualTo(Kind.UNSUPPORTED);
    }
    assertThat(machine.state()).as("machine after undeclared calls").isEqualTo(PowerState.ON);
  }

  @Test
  void powerOnWakesTheMachine() throws Exception {
    M machine = machine(false);
    PowerDriver driver = driver(machine, SECRET);
    assumeTrue(driver.capabilities().contains(PowerCapability.POWER_ON), "no POWER_ON");
    bounded(driver, PowerCapability.POWER_ON);
    awaitMachineAndDriver(machine, driver, PowerState.ON);
  }

  @Test
  void gracefulPowerOffStopsTheMachine() throws Exception {
    powerOffStopsTheMachine(PowerCapability.POWER_OFF_GRACEFUL);
  }

  @Test
  void forcedPowerOffStopsTheMachine() throws Exception {
    powerOffStopsTheMachine(PowerCapability.POWER_OFF_FORCED);
  }

  private void powerOffStopsTheMachine(PowerCapability op) throws Exception {
    M machine = machine(true);
    PowerDriver driver = driver(machine, SECRET);
    assumeTrue(driver.capabilities().contains(op), "no " + op);
    bounded(driver, op);
    awaitMachineAndDriver(machine, driver, PowerState.OFF);
  }

  @Test
  void readStateReportsTheMachinesState() throws Exception {
    PowerDriver onDriver = driver(machine(true), SECRET);
    assumeTrue(onDriver.capabilities().contains(PowerCapability.READ_STATE), "no READ_STATE");
    assertThat(bounded(onDriver, PowerCapability.READ_STATE)).contains(PowerState.ON);
    PowerDriver offDriver = driver(machine(false), SECRET);
    assertThat(bounded(offDriver, PowerCapability.READ_STATE)).contains(PowerState.OFF);
  }

  @Test
  void everyCallIsBoundedAgainstAMachineThatNeverAnswers() throws Exception {
    M machine = machine(true);
    machine.makeUnresponsive();
    PowerDriver driver = driver(machine, SECRET);
    for (PowerCapability op : driver.capabilities()) {
      // Returning is allowed (a port probe sees a listener); hanging or a wrong kind is not.
      outcome(driver, op)
          .ifPresent(
              e ->
                  assertThat(e.kind())
                      .as("kind of %s against a silent machine: %s", op, e.getMessage())
                      .isIn(Kind.TIMEOUT, Kind.UNREACHABLE));
    }
  }

  @Test
  void anUnreachableMachineFailsAsUnreachable() throws Exception {
    M machine = machine(true);
    machine.makeUnreachable();
    PowerDriver driver = driver(machine, SECRET);
    for (PowerCapability op : driver.capabilities()) {
      if (op == PowerCapability.READ_STATE) {
        // A driver may report what it cannot reach as OFF or UNKNOWN instead of failing.
        Optional<PowerException> e = outcome(driver, op);
        e.ifPresent(
            x ->
                assertThat(x.kind())
                    .as("readState: %s", x.getMessage())
                    .isIn(Kind.UNREACHABLE, Kind.TIMEOUT));
        if (e.isEmpty()) {
          assertThat(bounded(driver, op))
              .as("readState of an unreachable machine")
              .isNotEqualTo(Optional.of(PowerState.ON));
        }
        continue;
      }
      PowerException e = expectFailure(driver, op);
      assertThat(e.kind())
          .as("kind of %s against an unreachable machine: %s", op, e.getMessage())
          .isIn(Kind.UNREACHABLE, Kind.TIMEOUT);
      assertThat(e.kind().retryable()).isTrue();
    }
  }

  @Test
  void wrongCredentialsFailAsAuthenticationWithoutRevealingEitherSecret() throws Exception {
    M machine = machine(true);
    assumeTrue(machine.checksCredentials(), "the machine takes no credentials");
    PowerDriver driver = driver(machine, WRONG_SECRET);
    Set<PowerCapability> ops = authenticatedOperations(driver.capabilities());
    assumeTrue(!ops.isEmpty(), "no operation presents credentials");
    for (PowerCapability op : ops) {
      PowerException e = expectFailure(driver, op);
      assertThat(e.kind())
          .as("kind of %s with a wrong secret: %s", op, e.getMessage())
          .isEqualTo(Kind.AUTHENTICATION);
      assertThat(e.kind().retryable()).isFalse();
    }
    assertThat(machine.state()).as("machine after refused calls").isEqualTo(PowerState.ON);
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailFast() throws Exception {
    M machine = machine(false);
    PowerDriver driver = driver(machine, SECRET);
    driver.close();
    driver.close();
    for (PowerCapability op : EnumSet.allOf(PowerCapability.class)) {
      Future<Optional<PowerState>> f = calls.submit(() -> call(driver, op));
      try {
        Optional<PowerState> result = f.get(driverTimeout().toMillis(), TimeUnit.MILLISECONDS);
        fail("%s after close() returned %s instead of throwing a PowerException", op, result);
      } catch (TimeoutException e) {
        f.cancel(true);
        fail("%s after close() did not fail within the driver timeout %s", op, driverTimeout());
      } catch (ExecutionException e) {
        assertThat(e.getCause()).as("%s after close()", op).isInstanceOf(PowerException.class);
        assertNoSecret(e.getCause());
      }
    }
  }

  /** Starts a machine that the suite closes after the check. */
  private M machine(boolean on) throws Exception {
    M machine = startMachine(SECRET, on);
    opened.push(machine);
    return machine;
  }

  /** Creates a driver that the suite closes (before its machine) after the check. */
  private PowerDriver driver(M machine, String secret) throws Exception {
    PowerDriver driver = createDriver(machine, secret, driverTimeout());
    opened.push(driver);
    return driver;
  }

  private void awaitMachineAndDriver(M machine, PowerDriver driver, PowerState target) {
    await("machine reaching " + target)
        .atMost(transitionBound())
        .pollInterval(Duration.ofMillis(20))
        .until(machine::state, s -> s == target);
    if (driver.capabilities().contains(PowerCapability.READ_STATE)) {
      await("readState() reporting " + target)
          .atMost(transitionBound())
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> bounded(driver, PowerCapability.READ_STATE),
              s -> s.equals(Optional.of(target)));
    }
  }

  /** Runs one call that must succeed within {@link #callBound()}. */
  private Optional<PowerState> bounded(PowerDriver driver, PowerCapability op) throws Exception {
    Future<Optional<PowerState>> f = calls.submit(() -> call(driver, op));
    try {
      return f.get(callBound().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(op + " did not return within " + callBound());
    } catch (ExecutionException e) {
      assertNoSecret(e.getCause());
      throw new AssertionError(op + " failed: " + e.getCause(), e.getCause());
    }
  }

  /** Runs one call that must throw a PowerException within {@link #callBound()}. */
  private PowerException expectFailure(PowerDriver driver, PowerCapability op)
      throws InterruptedException {
    Future<Optional<PowerState>> f = calls.submit(() -> call(driver, op));
    try {
      Optional<PowerState> result = f.get(callBound().toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(op + " returned " + result + " instead of throwing");
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(
          op
              + " hung: no answer within "
              + callBound()
              + " (driver timeout "
              + driverTimeout()
              + ")");
    } catch (ExecutionException e) {
      assertNoSecret(e.getCause());
      if (e.getCause() instanceof PowerException pe) {
        return pe;
      }
      throw new AssertionError(
          op + " threw " + e.getCause() + ", not a PowerException", e.getCause());
    }
  }

  /** Runs one call within {@link #callBound()}: the PowerException it threw, or empty. */
  private Optional<PowerException> outcome(PowerDriver driver, PowerCapability op)
      throws Exception {
    Future<Optional<PowerState>> f = calls.submit(() -> call(driver, op));
    try {
      f.get(callBound().toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(op + " hung: no answer within " + callBound());
    } catch (ExecutionException e) {
      assertNoSecret(e.getCause());
      if (e.getCause() instanceof PowerException pe) {
        return Optional.of(pe);
      }
      throw new AssertionError(
          op + " threw " + e.getCause() + ", not a PowerException", e.getCause());
    }
  }

  private static Optional<PowerState> call(PowerDriver driver, PowerCapability op)
      throws PowerException {
    switch (op) {
      case POWER_ON -> driver.powerOn();
      case POWER_OFF_GRACEFUL -> driver.powerOff(PowerOffMode.GRACEFUL);
      case POWER_OFF_FORCED -> driver.powerOff(PowerOffMode.FORCED);
      case READ_STATE -> {
        return Optional.of(driver.readState());
      }
    }
    return Optional.empty();
  }

  /** Checks a throwable, its causes and suppressed exceptions for either kit secret. */
  private static void assertNoSecret(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Throwable> todo = new ArrayDeque<>();
    todo.push(t);
    while (!todo.isEmpty()) {
      Throwable x = todo.pop();
      if (!seen.add(x)) {
        continue;
      }
      assertThat(String.valueOf(x))
          .as("exception text")
          .doesNotContain(SECRET)
          .doesNotContain(WRONG_SECRET);
      if (x.getCause() != null) {
        todo.push(x.getCause());
      }
      for (Throwable s : x.getSuppressed()) {
        todo.push(s);
      }
    }
  }
}
