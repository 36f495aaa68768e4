package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.time.Clock;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.decision.NodeUsageMemo;
import io.ecokube.core.decision.WaitingTracker;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.lifecycle.Lifecycle;
import io.ecokube.core.policy.BudgetState;
import io.ecokube.core.policy.BudgetTracker;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's reconcile step and all the state it keeps between steps: snapshot, observe, screen,
 * decide, dispatch. Not thread-safe: {@link EcoKubeEngine} calls it under its lock.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private final ClusterView view;
  private final Supplier<Demand> demandSource;
  private final EnginePolicy policy;
  private final Clock clock;
  private final EngineListeners listeners;
  private final ActionExecutor executor;
  private final SideEffectGate gate;
  private final DriverChains chains;
  private final NodeBook book;
  private final Dispatcher dispatcher;
  private final Tariff tariff;
  private final DoubleSupplier costSoFar;
  private final BudgetTracker budgetTracker;
  private final Consumer<Duration> decisionTimer;
  private final DecisionScreen screen;
  private final Map<String, Instant> emptySince = new HashMap<>();
  private final Deque<Instant> wakes = new ArrayDeque<>();
  private final Deque<Instant> suspends = new ArrayDeque<>();
  private final NodeUsageMemo memo = new NodeUsageMemo();
  private final WaitingTracker waitingTracker = new WaitingTracker();
  private Map<String, String> lastHeld = Map.of();
  private boolean lastBreakerOpen;

  /**
   * Checks and takes the builder's settings.
   *
   * @param onDone called by a worker when an action is done (takes the engine's lock)
   */
  Reconciler(EcoKubeEngine.Builder b, Runnable onDone) {
    this.view = Objects.requireNonNull(b.view, "clusterView is required");
    this.gate = new SideEffectGate(b.gate);
    ClusterActuator actuator =
        gate.actuator(Objects.requireNonNull(b.actuator, "actuator is required"));
    this.chains = new DriverChains(Objects.requireNonNull(b.drivers, "drivers is required"), gate);
    this.policy = b.policy;
    this.clock = b.clock;
    Supplier<Demand> demand = b.demand;
    this.demandSource = demand != null ? demand : () -> Demand.none(clock.now());
    this.listeners = new EngineListeners(b.listeners);
    this.executor = b.executor != null ? b.executor : ActionExecutor.threaded(b.workers);
    ActionRunner runner =
        new ActionRunner(actuator, executor, clock, b.callTimeout, policy.drainTimeout());
    this.tariff = b.tariff;
    this.costSoFar = b.costSoFar;
    this.decisionTimer = b.decisionTimer;
    this.screen = new DecisionScreen(b.maxUnreadyShare, b.okUnready);
    Maintenance maintenance =
        new Maintenance(b.maintenanceAfter, b.maintenanceCleared, b.maintenanceReport);
    this.book = new NodeBook(gate.store(b.store), maintenance, listeners);
    this.dispatcher =
        new Dispatcher(executor, runner, clock, policy, book, chains, listeners, onDone);
    if (policy.budget().enabled()) {
      if (costSoFar == null) {
        throw new IllegalArgumentException(
            "the policy sets a cost budget, so the engine needs the running cost: call"
                + " costSoFar(() -> ledger.report().actual().cost()) on the builder");
      }
      this.budgetTracker = new BudgetTracker(policy.budget());
      if (b.budgetState != null) {
        budgetTracker.restore(b.budgetState);
      }
    } else {
      this.budgetTracker = null;
    }
  }

  Optional<BudgetState> budgetState() {
    return budgetTracker == null ? Optional.empty() : budgetTracker.state();
  }

  EnginePolicy policy() {
    return policy;
  }

  NodeBook book() {
    return book;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** One step; see {@link EcoKubeEngine#reconcileOnce()}. */
  Plan step() {
    dispatcher.applyFinished();
    Instant now = clock.now();
    ClusterSnapshot snap = view.snapshot();
    Demand demand = readDemand(now);
    observe(snap, now);
    book.releaseCleared(dispatcher.inFlight(), now);
    DecisionScreen.Screened screened = screen.screen(snap, book.all());
    reportHeld(screened);
    prune(wakes, now.minus(policy.wakeRate().window()));
    prune(suspends, now.minus(policy.suspendRate().window()));
    DecisionInput.Builder inputs =
        DecisionInput.builder(now, screened.snapshot(), demand, policy)
            .records(book.all())
            .emptySince(emptySince)
            .inFlight(dispatcher.inFlight())
            .recentWakes(new ArrayList<>(wakes))
            .recentSuspends(new ArrayList<>(suspends))
            .tariff(tariff);
    if (budgetTracker != null) {
      inputs.spend(budgetTracker.observe(now, costSoFar.getAsDouble()));
    }
    if (!policy.carbon().deferrable().isEmpty()) {
      // Only deferral needs to know how long each workload has waited; it reads every pod.
      inputs.waitingSince(waitingTracker.observe(now, snap, demand));
    }
    DecisionInput input = inputs.build();
    long started = System.nanoTime();
    Plan plan = Decider.decide(input, memo);
    // Real elapsed time, not the engine's clock: on virtual time that clock stands still.
    decisionTimer.accept(Duration.ofNanos(System.nanoTime() - started));
    if (!plan.actions().isEmpty() || !plan.heldBack().isEmpty()) {
      listeners.tell(l -> l.onPlan(plan));
    }
    if (!plan.actions().isEmpty() && !gate.isOpen()) {
      LOG.info(
          "not acting on {} planned actions: this replica may not act now", plan.actions().size());
      return plan;
    }
    for (PlannedAction a : plan.actions()) {
      if (book.inMaintenance(a.node())) {
        // Only an operator lets a node in maintenance be probed and woken again.
        continue;
      }
      if (a.type() == ActionType.WAKE) {
        wakes.addLast(now);
      } else if (a.type() == ActionType.DRAIN) {
        suspends.addLast(now);
      }
      dispatcher.dispatch(a, snap, now);
    }
    dispatcher.applyFinished();
    return plan;
  }

  /** Stops the executor and forgets the driver chains (their factory closes the drivers). */
  void close() {
    executor.close();
  }

  void forgetChains() {
    chains.clear();
  }

  private Demand readDemand(Instant now) {
    try {
      return Objects.requireNonNull(demandSource.get(), "demand source returned null");
    } catch (RuntimeException e) {
      LOG.warn("demand source failed; treating demand as stale: {}", e.toString());
      return new Demand(
          now, List.of(), List.of(), Optional.of("demand source failed: " + e.getMessage()));
    }
  }

  /**
   * Ready after boot, boot and shutdown timeouts, nodes seen for the first time; and since when
   * each ACTIVE node has had no work.
   */
  private void observe(ClusterSnapshot snap, Instant now) {
    for (ClusterNode n : snap.nodes()) {
      String name = n.name();
      NodeRecord r = book.seen(name, now);
      if (!dispatcher.inFlight(name)) {
        NodeLifecycle s = r.state();
        int wake = 0;
        int off = 0;
        if (s == NodeLifecycle.BOOTING || s == NodeLifecycle.SHUTTING_DOWN) {
          DriverChain c = chains.chain(n.spec());
          wake = c.wake().size();
          off = c.powerOff().size();
        }
        book.apply(name, r, Lifecycle.observe(r, n, policy, now, wake, off), now);
      }
      if (book.get(name).state() == NodeLifecycle.ACTIVE && !snap.hasWork(name)) {
        emptySince.putIfAbsent(name, now);
      } else {
        emptySince.remove(name);
      }
    }
  }

  /** Logs what the screen holds back when it changes, not on every step. */
  private void reportHeld(DecisionScreen.Screened s) {
    if (s.breakerOpen() != lastBreakerOpen) {
      if (s.breakerOpen()) {
        LOG.warn("too many nodes are unready: no scale-down until the cluster is healthy again");
      } else {
        LOG.info("cluster healthy again: scale-down allowed");
      }
      lastBreakerOpen = s.breakerOpen();
    }
    if (!s.held().equals(lastHeld)) {
      s.held()
          .forEach(
              (node, why) -> {
                if (!why.equals(lastHeld.get(node))) {
                  LOG.warn("not powering off {}: {}", node, why);
                }
              });
      lastHeld = Map.copyOf(s.held());
    }
  }

  private static void prune(Deque<Instant> q, Instant from) {
    while (!q.isEmpty() && !q.peekFirst().isAfter(from)) {
      q.pollFirst();
    }
  }
}
