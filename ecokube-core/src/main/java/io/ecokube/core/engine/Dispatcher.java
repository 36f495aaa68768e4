package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.time.Clock;
import io.ecokube.core.lifecycle.Lifecycle;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands planned actions to the {@link ActionExecutor} and brings their results back into the {@link
 * NodeBook}: a node has at most one action in flight; a worker queues what came of it and calls
 * {@code onDone}, and {@link #applyFinished()} (under the engine's lock) moves the record through
 * the state machine and tells the listeners.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private record Finished(PlannedAction action, ActionRunner.Done done, boolean readyAtDispatch) {}

  private final ActionExecutor executor;
  private final ActionRunner runner;
  private final Clock clock;
  private final EnginePolicy policy;
  private final NodeBook book;
  private final DriverChains chains;
  private final EngineListeners listeners;
  private final Runnable onDone;
  private final Map<String, PlannedAction> inFlight = new HashMap<>();
  private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();

  Dispatcher(
      ActionExecutor executor,
      ActionRunner runner,
      Clock clock,
      EnginePolicy policy,
      NodeBook book,
      DriverChains chains,
      EngineListeners listeners,
      Runnable onDone) {
    this.executor = executor;
    this.runner = runner;
    this.clock = clock;
    this.policy = policy;
    this.book = book;
    this.chains = chains;
    this.listeners = listeners;
    this.onDone = onDone;
  }

  boolean inFlight(String node) {
    return inFlight.containsKey(node);
  }

  Set<String> inFlight() {
    return inFlight.keySet();
  }

  void dispatch(PlannedAction a, ClusterSnapshot snap, Instant now) {
    String node = a.node();
    NodeRecord r = book.get(node);
    ClusterNode cn = snap.node(node).orElseThrow();
    book.apply(node, r, Lifecycle.dispatched(r, a.type(), now, a.reason()), now);
    DriverChain chain = chains.chain(cn.spec());
    int idx = book.get(node).driverIndex();
    boolean ready = cn.ready();
    inFlight.put(node, a);
    try {
      executor.dispatch(
          () -> {
            ActionRunner.Done d;
            try {
              d = runner.run(a, chain, idx);
            } catch (RuntimeException e) {
              LOG.error("{} of node {} failed", a.type(), node, e);
              d = done(a, ActionOutcome.Result.FAILED, e, clock.now());
            }
            finished.add(new Finished(a, d, ready));
            onDone.run();
          });
    } catch (RuntimeException e) {
      LOG.warn("could not dispatch {} of node {}: {}", a.type(), node, e.toString());
      finished.add(new Finished(a, done(a, ActionOutcome.Result.SKIPPED, e, now), ready));
    }
  }

  private static ActionRunner.Done done(
      PlannedAction a, ActionOutcome.Result result, RuntimeException e, Instant at) {
    return new ActionRunner.Done(
        new ActionOutcome(a, result, Optional.empty(), e.toString(), at),
        true,
        0,
        Optional.empty(),
        Optional.empty());
  }

  /** Applies the results of every finished action to the records, then tells the listeners. */
  void applyFinished() {
    Finished f;
    while ((f = finished.poll()) != null) {
      PlannedAction a = f.action();
      ActionRunner.Done d = f.done();
      ActionOutcome o = d.outcome();
      String node = a.node();
      inFlight.remove(node);
      NodeRecord r = book.get(node);
      Instant now = clock.now();
      if (r != null) {
        Lifecycle.Step step;
        if (a.type() == ActionType.PROBE) {
          step = Lifecycle.probed(r, d.read(), d.readError(), f.readyAtDispatch(), policy, now);
        } else if (o.result() == ActionOutcome.Result.SUCCEEDED) {
          step =
              a.type() == ActionType.UNCORDON
                  ? Lifecycle.uncordoned(r, now)
                  : new Lifecycle.Step(r, Optional.empty());
        } else if (o.result() == ActionOutcome.Result.SKIPPED) {
          step = revert(r, a, now);
        } else {
          step =
              Lifecycle.actionFailed(
                  r, a.type(), o.detail(), d.retryable(), policy, now, d.steps());
        }
        book.apply(node, r, step, now);
      }
      ActionOutcome outcome = o;
      listeners.tell(l -> l.onOutcome(outcome));
    }
  }

  /** An action that never ran leaves the node as it was before dispatch. */
  private static Lifecycle.Step revert(NodeRecord r, PlannedAction a, Instant now) {
    NodeLifecycle back =
        switch (a.type()) {
          case WAKE -> NodeLifecycle.OFF;
          case DRAIN -> NodeLifecycle.ACTIVE;
          case POWER_OFF -> NodeLifecycle.DRAINING;
          default -> r.state();
        };
    if (back == r.state()) {
      return new Lifecycle.Step(r, Optional.empty());
    }
    return new Lifecycle.Step(
        new NodeRecord(
            back,
            now,
            r.powerOns(),
            r.lastPoweredOff(),
            r.attempts(),
            r.driverIndex(),
            r.lastError()),
        Optional.of(a.type() + " was not carried out"));
  }
}
