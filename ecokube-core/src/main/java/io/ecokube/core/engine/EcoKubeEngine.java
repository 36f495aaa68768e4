package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.decision.NodeUsageMemo;
import io.ecokube.core.decision.WaitingTracker;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.lifecycle.Lifecycle;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Eco-Kube engine: reads the cluster and the demand, decides which nodes must be on, and
 * carries the decision out through power drivers and the cluster actuator.
 *
 * <p>One {@link #reconcileOnce()} step: take a snapshot; apply the results of finished actions;
 * observe the snapshot (Ready after boot, boot and shutdown timeouts, nodes seen for the first
 * time, loaded from the {@link NodeStateStore} so a restarted engine resumes); {@linkplain
 * Decider#decide decide}; hand the plan's actions to the {@link ActionExecutor}. A wake is
 * confirmed by the node becoming Ready in a later snapshot, never by the driver. Every record
 * change is saved to the store, every state change is sent to the listeners as a {@link
 * NodeTransition}.
 *
 * <p>{@link #start()} runs the step periodically on a named thread ({@code ecokube-reconcile});
 * with the default threaded executor, drivers and the actuator are called on other threads, so the
 * loop never blocks on I/O. For virtual-time simulation use {@link ActionExecutor#inline()} and
 * call {@link #reconcileOnce()} yourself: every action is carried out when it returns.
 *
 * <pre>{@code
 * EcoKubeEngine engine = EcoKubeEngine.builder()
 *     .clusterView(view).actuator(actuator).drivers(registry::chainFor)
 *     .demand(demandSource).policy(policy).build();
 * engine.start();
 * }</pre>
 */
public final class EcoKubeEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  /** How the reason of a record held in maintenance starts. */
  public static final String MAINTENANCE = "maintenance";

  private final ClusterView view;
  private final Function<NodeSpec, List<PowerDriver>> driverFactory;
  private final Supplier<Demand> demandSource;
  private final NodeStateStore store;
  private final EnginePolicy policy;
  private final Clock clock;
  private final List<EngineListener> listeners;
  private final ActionExecutor executor;
  private final Duration interval;
  private final ActionRunner runner;

  // Confined to the reconcile step (guarded by this).
  private final Map<String, NodeRecord> records = new HashMap<>();
  private final Map<String, Instant> emptySince = new HashMap<>();
  private final Map<String, PlannedAction> inFlight = new HashMap<>();
  private final Map<String, CachedChain> chains = new HashMap<>();
  private final Deque<Instant> wakes = new ArrayDeque<>();
  private final Deque<Instant> suspends = new ArrayDeque<>();
  private final NodeUsageMemo memo = new NodeUsageMemo();
  private final Tariff tariff;
  private final DoubleSupplier costSoFar;
  private final BudgetTracker budgetTracker;
  private final WaitingTracker waitingTracker = new WaitingTracker();
  private final Consumer<Duration> decisionTimer;
  private final DecisionScreen screen;
  private final SideEffectGate gate;
  private final int maintenanceAfter;
  private final Predicate<String> maintenanceCleared;
  private final BiConsumer<String, String> maintenanceReport;
  // Entries into FAILED since the node last worked; a restart starts again from zero, the
  // maintenance mark itself is persisted in the record.
  private final Map<String, Integer> failedCycles = new HashMap<>();
  private Map<String, String> lastHeld = Map.of();
  private boolean lastBreakerOpen;

  private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
  private ScheduledExecutorService loop;
  private boolean closed;

  private record CachedChain(PowerAddress address, DriverChain chain) {}

  private record Finished(PlannedAction action, ActionRunner.Done done, boolean readyAtDispatch) {}

  private EcoKubeEngine(Builder b) {
    this.view = Objects.requireNonNull(b.view, "clusterView is required");
    this.gate = new SideEffectGate(b.gate);
    ClusterActuator actuator =
        gate.actuator(Objects.requireNonNull(b.actuator, "actuator is required"));
    this.driverFactory = Objects.requireNonNull(b.drivers, "drivers is required");
    this.store = gate.store(b.store);
    this.policy = b.policy;
    this.clock = b.clock;
    Supplier<Demand> demand = b.demand;
    this.demandSource = demand != null ? demand : () -> Demand.none(clock.now());
    this.listeners = List.copyOf(b.listeners);
    this.executor = b.executor != null ? b.executor : ActionExecutor.threaded(b.workers);
    this.interval = b.interval;
    this.runner = new ActionRunner(actuator, executor, clock, b.callTimeout, policy.drainTimeout());
    this.tariff = b.tariff;
    this.costSoFar = b.costSoFar;
    this.decisionTimer = b.decisionTimer;
    this.screen = new DecisionScreen(b.maxUnreadyShare, b.okUnready);
    if (b.maintenanceAfter < 1) {
      throw new IllegalArgumentException(
          "maintenance after must be >= 1 failed cycles, got " + b.maintenanceAfter);
    }
    this.maintenanceAfter = b.maintenanceAfter;
    this.maintenanceCleared = b.maintenanceCleared;
    this.maintenanceReport = b.maintenanceReport;
    if (policy.budget().enabled()) {
      if (costSoFar == null) {
        throw new IllegalArgumentException(
            "the policy sets a cost budget, so the engine needs the running cost: call"
                + " costSoFar(() -> ledger.report().actual().cost()) on the builder");
      }
      this.budgetTracker = new BudgetTracker(policy.budget());
    } else {
      this.budgetTracker = null;
    }
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy in force. */
  public EnginePolicy policy() {
    return policy;
  }

  /**
   * One reconcile step: snapshot, observe, decide, execute. With the inline executor every action
   * has been carried out, and its result applied, when this returns.
   *
   * @return the plan of this step (after the guard)
   */
  public synchronized Plan reconcileOnce() {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    applyFinished();
    Instant now = clock.now();
    ClusterSnapshot snap = view.snapshot();
    Demand demand = readDemand(now);
    observe(snap, now);
    releaseCleared(now);
    DecisionScreen.Screened screened = screen.screen(snap, records);
    reportHeld(screened);
    prune(wakes, now.minus(policy.wakeRate().window()));
    prune(suspends, now.minus(policy.suspendRate().window()));
    DecisionInput.Builder inputs =
        DecisionInput.builder(now, screened.snapshot(), demand, policy)
            .records(records)
            .emptySince(emptySince)
            .inFlight(inFlight.keySet())
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
      notifyListeners(l -> l.onPlan(plan));
    }
    if (!plan.actions().isEmpty() && !gate.isOpen()) {
      LOG.info(
          "not acting on {} planned actions: this replica may not act now", plan.actions().size());
      return plan;
    }
    for (PlannedAction a : plan.actions()) {
      if (isMaintenance(records.get(a.node()))) {
        // Only an operator lets a node in maintenance be probed and woken again.
        continue;
      }
      dispatch(a, snap, now);
    }
    applyFinished();
    return plan;
  }

  /** Every node's record as the engine knows it now. */
  public synchronized Map<String, NodeRecord> records() {
    return Map.copyOf(records);
  }

  /** One node's record. */
  public synchronized Optional<NodeRecord> record(String node) {
    return Optional.ofNullable(records.get(node));
  }

  /** Whether the node is held in maintenance (until an operator clears it). */
  public synchronized boolean inMaintenance(String node) {
    return isMaintenance(records.get(node));
  }

  /** Whether an action is being carried out for the node. */
  public synchronized boolean inFlight(String node) {
    return inFlight.containsKey(node);
  }

  /**
   * Runs {@link #reconcileOnce()} every interval on a daemon thread named {@code
   * ecokube-reconcile}. A failing step is logged and the loop goes on.
   */
  public synchronized void start() {
    if (closed) {
      throw new IllegalStateException("engine is closed");
    }
    if (loop != null) {
      return;
    }
    loop = Executors.newSingleThreadScheduledExecutor(ThreadedExecutor.named("ecokube-reconcile-"));
    loop.scheduleWithFixedDelay(this::safeReconcile, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void safeReconcile() {
    try {
      reconcileOnce();
    } catch (RuntimeException e) {
      LOG.error("reconcile step failed; the loop goes on", e);
    }
  }

  /**
   * Stops the loop and the executor. Idempotent. The drivers stay open: they belong to whoever made
   * them (close the {@code DriverRegistry} after the engine).
   */
  @Override
  public void close() {
    ScheduledExecutorService l;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      l = loop;
    }
    if (l != null) {
      l.shutdownNow();
      try {
        l.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    executor.close();
    synchronized (this) {
      // The drivers belong to the factory that made them (the registry closes its own).
      chains.clear();
    }
  }

  // ------------------------------------------------------------------ steps

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

  private Demand readDemand(Instant now) {
    try {
      return Objects.requireNonNull(demandSource.get(), "demand source returned null");
    } catch (RuntimeException e) {
      LOG.warn("demand source failed; treating demand as stale: {}", e.toString());
      return new Demand(
          now, List.of(), List.of(), Optional.of("demand source failed: " + e.getMessage()));
    }
  }

  private void observe(ClusterSnapshot snap, Instant now) {
    for (ClusterNode n : snap.nodes()) {
      String name = n.name();
      NodeRecord r = records.get(name);
      if (r == null) {
        Optional<NodeRecord> stored = loadStored(name);
        r = stored.orElse(NodeRecord.initial(NodeLifecycle.UNKNOWN, now));
        records.put(name, r);
        if (stored.isEmpty()) {
          save(name, r);
        }
      }
      if (!inFlight.containsKey(name)) {
        NodeLifecycle s = r.state();
        int wake = 0;
        int off = 0;
        if (s == NodeLifecycle.BOOTING || s == NodeLifecycle.SHUTTING_DOWN) {
          DriverChain c = chain(n.spec());
          wake = c.wake().size();
          off = c.powerOff().size();
        }
        apply(name, r, Lifecycle.observe(r, n, policy, now, wake, off), now);
      }
      if (records.get(name).state() == NodeLifecycle.ACTIVE && !snap.hasWork(name)) {
        emptySince.putIfAbsent(name, now);
      } else {
        emptySince.remove(name);
      }
    }
  }

  private Optional<NodeRecord> loadStored(String name) {
    try {
      return store.load(name);
    } catch (RuntimeException e) {
      LOG.warn(
          "could not load the state of node {}; starting from UNKNOWN: {}", name, e.toString());
      return Optional.empty();
    }
  }

  private void dispatch(PlannedAction a, ClusterSnapshot snap, Instant now) {
    String node = a.node();
    NodeRecord r = records.get(node);
    ClusterNode cn = snap.node(node).orElseThrow();
    if (a.type() == ActionType.WAKE) {
      wakes.addLast(now);
    } else if (a.type() == ActionType.DRAIN) {
      suspends.addLast(now);
    }
    apply(node, r, Lifecycle.dispatched(r, a.type(), now, a.reason()), now);
    DriverChain chain = chain(cn.spec());
    int idx = records.get(node).driverIndex();
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
              d =
                  new ActionRunner.Done(
                      new ActionOutcome(
                          a,
                          ActionOutcome.Result.FAILED,
                          Optional.empty(),
                          e.toString(),
                          clock.now()),
                      true,
                      0,
                      Optional.empty(),
                      Optional.empty());
            }
            finished.add(new Finished(a, d, ready));
            applyFinishedNow();
          });
    } catch (RuntimeException e) {
      LOG.warn("could not dispatch {} of node {}: {}", a.type(), node, e.toString());
      finished.add(
          new Finished(
              a,
              new ActionRunner.Done(
                  new ActionOutcome(
                      a, ActionOutcome.Result.SKIPPED, Optional.empty(), e.toString(), now),
                  true,
                  0,
                  Optional.empty(),
                  Optional.empty()),
              ready));
    }
  }

  /** Called by a worker when its action is done: results reach records and listeners at once. */
  private synchronized void applyFinishedNow() {
    if (!closed) {
      applyFinished();
    }
  }

  private void applyFinished() {
    Finished f;
    while ((f = finished.poll()) != null) {
      PlannedAction a = f.action();
      ActionRunner.Done d = f.done();
      ActionOutcome o = d.outcome();
      String node = a.node();
      inFlight.remove(node);
      NodeRecord r = records.get(node);
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
        apply(node, r, step, now);
      }
      ActionOutcome outcome = o;
      notifyListeners(l -> l.onOutcome(outcome));
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

  private void apply(String node, NodeRecord before, Lifecycle.Step step, Instant now) {
    if (!step.changed()) {
      return;
    }
    step = maintenanceStep(node, before, step);
    NodeRecord after = step.record();
    records.put(node, after);
    save(node, after);
    if (after.state() != before.state()) {
      NodeTransition t =
          new NodeTransition(node, before.state(), after.state(), now, step.reason().orElseThrow());
      LOG.info("node {}: {} -> {}: {}", node, t.from(), t.to(), t.reason());
      notifyListeners(l -> l.onTransition(t));
    }
  }

  private static boolean isMaintenance(NodeRecord r) {
    return r != null
        && r.state() == NodeLifecycle.FAILED
        && r.lastError().map(e -> e.startsWith(MAINTENANCE)).orElse(false);
  }

  /** Counts entries into FAILED; the N-th turns the quarantine into maintenance. */
  private Lifecycle.Step maintenanceStep(String node, NodeRecord before, Lifecycle.Step step) {
    NodeRecord after = step.record();
    if (after.state() == NodeLifecycle.ACTIVE) {
      failedCycles.remove(node);
      return step;
    }
    if (after.state() != NodeLifecycle.FAILED || before.state() == NodeLifecycle.FAILED) {
      return step;
    }
    int cycles = failedCycles.merge(node, 1, Integer::sum);
    if (cycles < maintenanceAfter) {
      return step;
    }
    String why =
        MAINTENANCE
            + " after "
            + cycles
            + " failed cycles (last: "
            + after.lastError().orElse("failed")
            + "); an operator must clear it";
    NodeRecord held =
        new NodeRecord(
            NodeLifecycle.FAILED,
            after.since(),
            after.powerOns(),
            after.lastPoweredOff(),
            after.attempts(),
            0,
            Optional.of(why));
    LOG.warn("node {}: {}", node, why);
    try {
      maintenanceReport.accept(node, why);
    } catch (RuntimeException e) {
      LOG.warn("maintenance report for node {} failed: {}", node, e.toString());
    }
    return new Lifecycle.Step(held, Optional.of(step.reason().orElse(why) + "; " + why));
  }

  /** Lets nodes an operator cleared out of maintenance: UNKNOWN, so they are read first. */
  private void releaseCleared(Instant now) {
    for (Map.Entry<String, NodeRecord> e : List.copyOf(records.entrySet())) {
      String node = e.getKey();
      if (!isMaintenance(e.getValue()) || inFlight.containsKey(node)) {
        continue;
      }
      boolean cleared;
      try {
        cleared = maintenanceCleared.test(node);
      } catch (RuntimeException ex) {
        LOG.warn("could not ask whether node {} left maintenance: {}", node, ex.toString());
        cleared = false;
      }
      if (cleared) {
        failedCycles.remove(node);
        apply(
            node,
            e.getValue(),
            new Lifecycle.Step(
                NodeRecord.initial(NodeLifecycle.UNKNOWN, now),
                Optional.of("maintenance cleared by an operator")),
            now);
      }
    }
  }

  private void save(String node, NodeRecord r) {
    try {
      store.save(node, r);
    } catch (RuntimeException e) {
      LOG.warn("could not save the state of node {}: {}", node, e.toString());
    }
  }

  private DriverChain chain(NodeSpec spec) {
    CachedChain c = chains.get(spec.name());
    // Labels, taints and allocatable change often; only a new address needs other drivers.
    if (c != null && c.address().equals(spec.address())) {
      return c.chain();
    }
    List<PowerDriver> drivers;
    try {
      drivers = spec.address().managed() ? driverFactory.apply(spec) : List.of();
    } catch (RuntimeException e) {
      LOG.error("could not create the power drivers of node {}: {}", spec.name(), e.getMessage());
      drivers = List.of();
    }
    DriverChain chain =
        new DriverChain(drivers == null ? List.of() : gate.drivers(spec.name(), drivers));
    chains.put(spec.name(), new CachedChain(spec.address(), chain));
    return chain;
  }

  private void notifyListeners(Consumer<EngineListener> call) {
    for (EngineListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("engine listener {} threw; ignored", l, e);
      }
    }
  }

  private static void prune(Deque<Instant> q, Instant from) {
    while (!q.isEmpty() && !q.peekFirst().isAfter(from)) {
      q.pollFirst();
    }
  }

  /** Builds an {@link EcoKubeEngine}. Cluster view, actuator and drivers are required. */
  public static final class Builder {
    private ClusterView view;
    private ClusterActuator actuator;
    private Function<NodeSpec, List<PowerDriver>> drivers;
    private Supplier<Demand> demand;
    private NodeStateStore store = NodeStateStore.inMemory();
    private EnginePolicy policy = EnginePolicy.defaults();
    private Clock clock = Clock.system();
    private final List<EngineListener> listeners = new ArrayList<>();
    private ActionExecutor executor;
    private int workers = 4;
    private Duration interval = Duration.ofSeconds(1);
    private Duration callTimeout = Duration.ofSeconds(30);
    private Tariff tariff = FlatTariff.typicalEurope();
    private DoubleSupplier costSoFar;
    private Consumer<Duration> decisionTimer = d -> {};
    private BooleanSupplier gate = () -> true;
    private int maintenanceAfter = 3;
    private Predicate<String> maintenanceCleared = n -> false;
    private BiConsumer<String, String> maintenanceReport = (n, why) -> {};
    private double maxUnreadyShare = 0.45;
    private int okUnready = 3;

    private Builder() {}

    /**
     * Receives how long each decision step took (wall time), for example {@code
     * metrics::recordDecision}. Called on the reconcile thread: keep it quick.
     */
    public Builder decisionTimer(Consumer<Duration> timer) {
      this.decisionTimer = Objects.requireNonNull(timer, "decisionTimer");
      return this;
    }

    /**
     * Sticky quarantine: the {@code failedCycles}-th time a node is quarantined (FAILED) without
     * having worked in between, it is held in maintenance: never probed or woken, kept across
     * restarts (the record says so), until {@code cleared} answers true for it (with Kubernetes:
     * the Node carries {@code ecokube.io/maintenance-clear}). {@code report} hears each node that
     * enters maintenance and why (for an Event and a metric). Default: after 3 cycles, cleared
     * never, reported nowhere.
     */
    public Builder maintenance(
        int failedCycles, Predicate<String> cleared, BiConsumer<String, String> report) {
      this.maintenanceAfter = failedCycles;
      this.maintenanceCleared = Objects.requireNonNull(cleared, "cleared");
      this.maintenanceReport = Objects.requireNonNull(report, "report");
      return this;
    }

    /**
     * The cluster-health circuit breaker: no scale-down while more nodes are unready than the
     * larger of {@code okUnready} and {@code maxUnreadyShare} of all nodes (default 0.45 and 3, as
     * Cluster Autoscaler). Nodes Eco-Kube keeps off or is booting do not count as unready.
     *
     * @throws IllegalArgumentException at {@link #build()} when the share is not in [0, 1] or the
     *     count is negative
     */
    public Builder clusterHealth(double maxUnreadyShare, int okUnready) {
      this.maxUnreadyShare = maxUnreadyShare;
      this.okUnready = okUnready;
      return this;
    }

    /**
     * What energy costs and emits by the hour (default {@link FlatTariff#typicalEurope()}): prices
     * the wakes a cost budget weighs and forecasts the grid intensity carbon-aware deferral waits
     * for. Use the same tariff as the ledger.
     */
    /**
     * Whether this engine may act now, asked right before every side effect (driver power calls,
     * state-store writes, actuator calls, dispatching a plan): with leader election, {@code
     * leadership::isLeader}. Default: always.
     */
    public Builder gate(BooleanSupplier mayAct) {
      this.gate = Objects.requireNonNull(mayAct, "gate");
      return this;
    }

    public Builder tariff(Tariff t) {
      this.tariff = Objects.requireNonNull(t, "tariff");
      return this;
    }

    /**
     * The running total cost of the cluster since a fixed start, never decreasing (for example
     * {@code () -> ledger.report().actual().cost()}); required when the policy sets a cost budget.
     */
    public Builder costSoFar(DoubleSupplier total) {
      this.costSoFar = Objects.requireNonNull(total, "costSoFar");
      return this;
    }

    /** Where nodes and pods are read from (required). */
    public Builder clusterView(ClusterView view) {
      this.view = Objects.requireNonNull(view, "clusterView");
      return this;
    }

    /** Cordons, drains, uncordons and marks nodes (required). */
    public Builder actuator(ClusterActuator actuator) {
      this.actuator = Objects.requireNonNull(actuator, "actuator");
      return this;
    }

    /**
     * A node's driver chain, in order of preference (required); called once per node and again when
     * its power address changes. The engine never closes these drivers: their maker owns them
     * ({@code registry::chainFor}: the registry).
     */
    public Builder drivers(Function<NodeSpec, List<PowerDriver>> drivers) {
      this.drivers = Objects.requireNonNull(drivers, "drivers");
      return this;
    }

    /**
     * Where demand comes from (default: no demand beyond the cluster's pods, always fresh). Must be
     * quick; an exception counts as stale demand.
     */
    public Builder demand(Supplier<Demand> demand) {
      this.demand = Objects.requireNonNull(demand, "demand");
      return this;
    }

    /** Where node records are persisted (default: in memory, lost on restart). */
    public Builder stateStore(NodeStateStore store) {
      this.store = Objects.requireNonNull(store, "stateStore");
      return this;
    }

    /** The rules (default {@link EnginePolicy#defaults()}). */
    public Builder policy(EnginePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The clock (default the system clock; a ManualClock for simulation). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Adds a listener for plans, outcomes and transitions. */
    public Builder listener(EngineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds listeners. */
    public Builder listeners(List<? extends EngineListener> more) {
      more.forEach(this::listener);
      return this;
    }

    /**
     * How actions are carried out (default {@link ActionExecutor#threaded(int)} with {@link
     * #workers(int)} threads; use {@link ActionExecutor#inline()} on virtual time). The engine
     * closes it.
     */
    public Builder executor(ActionExecutor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Worker threads of the default threaded executor (default 4). */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /** Period of the loop started by {@link EcoKubeEngine#start()} (default 1 s). */
    public Builder interval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("interval must be positive, got " + interval);
      }
      this.interval = interval;
      return this;
    }

    /**
     * Bound on each driver and actuator call (default 30 s); a drain gets {@code drainTimeout} on
     * top.
     */
    public Builder callTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("callTimeout must be positive, got " + timeout);
      }
      this.callTimeout = timeout;
      return this;
    }

    /** Builds the engine; nothing runs until {@link EcoKubeEngine#reconcileOnce()} or start. */
    public EcoKubeEngine build() {
      return new EcoKubeEngine(this);
    }
  }
}
