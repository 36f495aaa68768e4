package io.ecokube.core.engine;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionOutcome.Result;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Carries out one planned action through the node's drivers and the actuator. */
final class ActionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);

  /**
   * What came of an action, with what the state machine needs to know.
   *
   * @param outcome the outcome reported to listeners
   * @param retryable whether repeating the same driver may help
   * @param steps how many drivers (power-off steps) the chain has for the action
   * @param read the power state read by a PROBE
   * @param readError why a PROBE could not read the state
   */
  record Done(
      ActionOutcome outcome,
      boolean retryable,
      int steps,
      Optional<PowerState> read,
      Optional<String> readError) {}

  private final ClusterActuator actuator;
  private final ActionExecutor executor;
  private final Clock clock;
  private final Duration callTimeout;
  private final Duration drainTimeout;

  ActionRunner(
      ClusterActuator actuator,
      ActionExecutor executor,
      Clock clock,
      Duration callTimeout,
      Duration drainTimeout) {
    this.actuator = actuator;
    this.executor = executor;
    this.clock = clock;
    this.callTimeout = callTimeout;
    this.drainTimeout = drainTimeout;
  }

  Done run(PlannedAction a, DriverChain chain, int driverIndex) {
    try {
      return switch (a.type()) {
        case WAKE -> wake(a, chain, driverIndex);
        case DRAIN -> drain(a);
        case POWER_OFF -> powerOff(a, chain, driverIndex);
        case UNCORDON -> uncordon(a);
        case PROBE -> probe(a, chain);
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done(a, Result.SKIPPED, Optional.empty(), "interrupted: engine closing", true, 0);
    }
  }

  private Done wake(PlannedAction a, DriverChain chain, int idx) throws InterruptedException {
    List<PowerDriver> drivers = chain.wake();
    if (drivers.isEmpty()) {
      return done(
          a,
          Result.FAILED,
          Optional.empty(),
          "no driver in the chain of node " + a.node() + " can power it on (needs POWER_ON)",
          false,
          0);
    }
    PowerDriver d = drivers.get(Math.min(idx, drivers.size() - 1));
    Done failed =
        attempt(
            a,
            d.name(),
            drivers.size(),
            () -> {
              d.powerOn();
              return null;
            });
    if (failed != null) {
      return failed;
    }
    bestEffort(a.node(), "clear powered-off mark", () -> actuator.markPoweredOff(a.node(), false));
    return done(
        a,
        Result.SUCCEEDED,
        Optional.of(d.name()),
        "power-on requested via " + d.name() + "; waiting for Ready",
        true,
        drivers.size());
  }

  private Done powerOff(PlannedAction a, DriverChain chain, int idx) throws InterruptedException {
    List<DriverChain.OffStep> steps = chain.powerOff();
    if (steps.isEmpty()) {
      return done(
          a,
          Result.FAILED,
          Optional.empty(),
          "no driver in the chain of node "
              + a.node()
              + " can power it off (needs POWER_OFF_GRACEFUL or POWER_OFF_FORCED)",
          false,
          0);
    }
    DriverChain.OffStep s = steps.get(Math.min(idx, steps.size() - 1));
    // The mark keeps pods off and is the actuator's last look at the node: without it, no
    // power-off.
    Done unmarked = mark(a, steps.size());
    if (unmarked != null) {
      return unmarked;
    }
    Done failed =
        attempt(
            a,
            s.driver().name(),
            steps.size(),
            () -> {
              s.driver().powerOff(s.mode());
              return null;
            });
    if (failed != null) {
      return failed;
    }
    return done(
        a,
        Result.SUCCEEDED,
        Optional.of(s.driver().name()),
        s.mode()
            + " power-off requested via "
            + s.driver().name()
            + "; waiting for the node to stop",
        true,
        steps.size());
  }

  /** Sets the powered-off mark; null when it is set, else why the power-off is aborted. */
  private Done mark(PlannedAction a, int steps) throws InterruptedException {
    try {
      executor.call(
          "set powered-off mark " + a.node(),
          callTimeout,
          () -> {
            actuator.markPoweredOff(a.node(), true);
            return null;
          });
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Done d = failure(a, Optional.empty(), e, steps);
      return done(
          a,
          d.outcome().result(),
          Optional.empty(),
          "power-off aborted, the powered-off mark was not set: " + d.outcome().detail(),
          true,
          steps);
    }
  }

  private Done drain(PlannedAction a) throws InterruptedException {
    try {
      executor.call(
          "cordon " + a.node(),
          callTimeout,
          () -> {
            actuator.cordon(a.node());
            return null;
          });
      DrainResult r =
          executor.call(
              "drain " + a.node(),
              drainTimeout.plus(callTimeout),
              () -> actuator.drain(a.node(), drainTimeout));
      if (r.complete()) {
        return done(a, Result.SUCCEEDED, Optional.empty(), "cordoned and drained", true, 1);
      }
      return done(
          a,
          Result.TIMED_OUT,
          Optional.empty(),
          "drain stopped with "
              + r.remaining().size()
              + " pods left "
              + r.remaining()
              + ": "
              + r.detail(),
          true,
          1);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return failure(a, Optional.empty(), e, 1);
    }
  }

  private Done uncordon(PlannedAction a) throws InterruptedException {
    try {
      // The mark first: while it fails the node stays cordoned, so the next step plans this
      // UNCORDON again and the clear is retried, rather than a node let in with its taint on.
      executor.call(
          "clear powered-off mark " + a.node(),
          callTimeout,
          () -> {
            actuator.markPoweredOff(a.node(), false);
            return null;
          });
      executor.call(
          "uncordon " + a.node(),
          callTimeout,
          () -> {
            actuator.uncordon(a.node());
            return null;
          });
      return done(a, Result.SUCCEEDED, Optional.empty(), "uncordoned", true, 1);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return failure(a, Optional.empty(), e, 1);
    }
  }

  private Done probe(PlannedAction a, DriverChain chain) throws InterruptedException {
    List<String> errors = new ArrayList<>();
    for (PowerDriver d : chain.readers()) {
      try {
        PowerState s =
            executor.call("readState " + a.node() + " via " + d.name(), callTimeout, d::readState);
        ActionOutcome o =
            new ActionOutcome(
                a, Result.SUCCEEDED, Optional.of(d.name()), "power state " + s, clock.now());
        return new Done(o, true, chain.readers().size(), Optional.of(s), Optional.empty());
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        errors.add(d.name() + ": " + e.getMessage());
      }
    }
    if (errors.isEmpty()) {
      ActionOutcome o =
          new ActionOutcome(
              a,
              Result.SUCCEEDED,
              Optional.empty(),
              "no driver can read the power state",
              clock.now());
      return new Done(o, true, 0, Optional.empty(), Optional.empty());
    }
    String why = "could not read the power state: " + String.join("; ", errors);
    ActionOutcome o = new ActionOutcome(a, Result.FAILED, Optional.empty(), why, clock.now());
    return new Done(o, true, chain.readers().size(), Optional.empty(), Optional.of(why));
  }

  private interface Call {
    Object call() throws Exception;
  }

  /** Runs one driver call; null when it succeeded, else the failure. */
  private Done attempt(PlannedAction a, String driver, int steps, Call c)
      throws InterruptedException {
    try {
      executor.call(a.type() + " " + a.node() + " via " + driver, callTimeout, c::call);
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return failure(a, Optional.of(driver), e, steps);
    }
  }

  private Done failure(PlannedAction a, Optional<String> driver, Exception e, int steps) {
    if (e instanceof TimeoutException) {
      return done(a, Result.TIMED_OUT, driver, e.getMessage(), true, steps);
    }
    if (e instanceof PowerException pe) {
      return done(a, Result.FAILED, driver, pe.getMessage(), pe.kind().retryable(), steps);
    }
    if (e instanceof ActuatorException) {
      return done(a, Result.FAILED, driver, e.getMessage(), true, steps);
    }
    LOG.warn("{} of node {} failed unexpectedly", a.type(), a.node(), e);
    return done(
        a,
        Result.FAILED,
        driver,
        e.getClass().getSimpleName() + ": " + e.getMessage(),
        true,
        steps);
  }

  private interface ActuatorCall {
    void run() throws Exception;
  }

  private void bestEffort(String node, String what, ActuatorCall c) throws InterruptedException {
    try {
      executor.call(
          what + " " + node,
          callTimeout,
          () -> {
            c.run();
            return null;
          });
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      LOG.warn("could not {} on node {}: {}", what, node, e.getMessage());
    }
  }

  private Done done(
      PlannedAction a,
      Result result,
      Optional<String> driver,
      String detail,
      boolean retryable,
      int steps) {
    return new Done(
        new ActionOutcome(a, result, driver, detail, clock.now()),
        retryable,
        steps,
        Optional.empty(),
        Optional.empty());
  }
}
