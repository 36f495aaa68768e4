package io.ecokube.core.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * How the engine carries out a plan's actions: on worker threads in production, so the reconcile
 * loop never waits on a BMC or the API server; inline for the simulator, so that every action is
 * done when {@link EcoKubeEngine#reconcileOnce()} returns.
 */
public interface ActionExecutor extends AutoCloseable {

  /** Runs one action's task, now (inline) or on a worker thread. */
  void dispatch(Runnable task);

  /**
   * Runs one call to a driver or the actuator within {@code timeout}.
   *
   * @param what what is being called, for the timeout message ({@code powerOn worker-2 via ipmi})
   * @throws TimeoutException if the call did not return in time (it is interrupted)
   * @throws Exception whatever the call threw
   */
  <T> T call(String what, Duration timeout, Callable<T> call) throws Exception;

  /** Stops accepting work and interrupts running calls. Never throws. */
  @Override
  void close();

  /**
   * Runs tasks and calls on the caller's thread, without timeouts: for virtual-time simulation and
   * tests, where drivers and actuator answer at once.
   */
  static ActionExecutor inline() {
    return InlineExecutor.INSTANCE;
  }

  /**
   * Runs tasks on {@code workers} named daemon threads ({@code ecokube-action-N}) and bounds every
   * call by its timeout on a separate named thread ({@code ecokube-call-N}).
   */
  static ActionExecutor threaded(int workers) {
    return new ThreadedExecutor(workers);
  }
}
