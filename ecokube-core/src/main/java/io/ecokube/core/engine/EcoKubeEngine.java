package io.ecokube.core.engine;

import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.BudgetState;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
  /** How the reason of a record held in maintenance starts. */
  public static final String MAINTENANCE = "maintenance";

  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeEngine.class);

  private final Duration interval;
  // The step and its state; used only under this object's lock.
  private final Reconciler reconciler;
  private ScheduledExecutorService loop;
  private boolean closed;

  private EcoKubeEngine(Builder b) {
    this.reconciler = new Reconciler(b, this::applyFinishedNow);
    this.interval = b.interval;
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The policy in force. */
  public EnginePolicy policy() {
    return reconciler.policy();
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
    return reconciler.step();
  }

  /** Every node's record as the engine knows it now. */
  public synchronized Map<String, NodeRecord> records() {
    return Map.copyOf(reconciler.book().all());
  }

  /** One node's record. */
  public synchronized Optional<NodeRecord> record(String node) {
    return Optional.ofNullable(reconciler.book().get(node));
  }

  /**
   * The spend of the current cost-budget windows, to keep outside the engine and hand to the next
   * engine's {@link Builder#budgetState} after a restart or failover; empty without a budget or
   * before the first step. Does not wait for a running step.
   */
  public Optional<BudgetState> budgetState() {
    return reconciler.budgetState();
  }

  /** Whether the node is held in maintenance (until an operator clears it). */
  public synchronized boolean inMaintenance(String node) {
    return reconciler.book().inMaintenance(node);
  }

  /** Whether an action is being carried out for the node. */
  public synchronized boolean inFlight(String node) {
    return reconciler.dispatcher().inFlight(node);
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

  /** Called by a worker when its action is done: results reach records and listeners at once. */
  private synchronized void applyFinishedNow() {
    if (!closed) {
      reconciler.dispatcher().applyFinished();
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
    reconciler.close();
    synchronized (this) {
      // The drivers belong to the factory that made them (the registry closes its own).
      reconciler.forgetChains();
    }
  }

  /** Builds an {@link EcoKubeEngine}. Cluster view, actuator and drivers are required. */
  public static final class Builder {
    // Package-private: the Reconciler reads and checks them.
    ClusterView view;
    ClusterActuator actuator;
    Function<NodeSpec, List<PowerDriver>> drivers;
    Supplier<Demand> demand;
    NodeStateStore store = NodeStateStore.inMemory();
    EnginePolicy policy = EnginePolicy.defaults();
    Clock clock = Clock.system();
    final List<EngineListener> listeners = new ArrayList<>();
    ActionExecutor executor;
    int workers = 4;
    Duration interval = Duration.ofSeconds(1);
    Duration callTimeout = Duration.ofSeconds(30);
    Tariff tariff = FlatTariff.typicalEurope();
    DoubleSupplier costSoFar;
    BudgetState budgetState;
    Consumer<Duration> decisionTimer = d -> {};
    BooleanSupplier gate = () -> true;
    int maintenanceAfter = 3;
    Predicate<String> maintenanceCleared = n -> false;
    BiConsumer<String, String> maintenanceReport = (n, why) -> {};
    double maxUnreadyShare = 0.45;
    int okUnready = 3;

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
     * Whether this engine may act now, asked right before every side effect (driver power calls,
     * state-store writes, actuator calls, dispatching a plan): with leader election, {@code
     * leadership::isLeader}. Default: always.
     */
    public Builder gate(BooleanSupplier mayAct) {
      this.gate = Objects.requireNonNull(mayAct, "gate");
      return this;
    }

    /**
     * What energy costs and emits by the hour (default {@link FlatTariff#typicalEurope()}): prices
     * the wakes a cost budget weighs and forecasts the grid intensity carbon-aware deferral waits
     * for. Use the same tariff as the ledger.
     */
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

    /**
     * The budget spend an earlier engine kept (see {@link EcoKubeEngine#budgetState()}): the
     * windows it names continue their spend instead of counting from zero, so a restart cannot
     * overspend a budget. Windows that have ended by the first step start afresh. Default: none.
     */
    public Builder budgetState(BudgetState state) {
      this.budgetState = Objects.requireNonNull(state, "budgetState");
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
