package io.ecokube.sim;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.EventLoop;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.engine.ActionExecutor;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A discrete-event simulation of Eco-Kube on virtual time: jobs arrive, become pods (or messages
 * for queue workers), the {@link EcoKubeEngine} wakes and powers off nodes of an {@link
 * InMemoryCluster}, the scheduler binds pods, and an {@link EnergyLedger} accounts every joule.
 *
 * <p>The simulation is a step event on an {@link EventLoop}, scheduled at each instant something is
 * due (arrivals, completions, boots and shutdowns finishing, queue cooldowns) and at every
 * reconcile tick, when {@link EcoKubeEngine#reconcileOnce()} runs with an inline executor; a
 * simulated day takes seconds. One step handles everything due at its instant in a fixed order
 * (arrivals, completions, restarts, queue scaling, the reconcile, queue dispatch), so same-instant
 * events never depend on the order they were scheduled in. Other things may share the loop (a
 * virtual node's boots, given {@link #builder(EventLoop)}). Not thread-safe: drive it from one
 * thread.
 *
 * <pre>{@code
 * Simulator sim = Simulator.builder()
 *     .node(controlPlane, true).node(worker, false)
 *     .policy(policy).jobs(jobs).build();
 * SimulationReport r = sim.run(Duration.ofDays(1));
 * }</pre>
 */
public final class Simulator implements AutoCloseable {
  private final EventLoop loop;
  private final ManualClock clock;
  private final Instant start;
  private final InMemoryCluster cluster;
  private final EnergyLedger ledger;
  private final EcoKubeEngine engine;
  private final DriverRegistry ownRegistry;
  private final Duration reconcileInterval;
  private final List<Runnable> beforeStep;
  private final SimulationRecorder recorder;
  private final SimulatedJobs jobs;
  private Instant nextReconcile;
  private Optional<EventLoop.Event> nextStep = Optional.empty();
  private boolean closed;

  private Simulator(Builder b) {
    this.loop = b.loop;
    this.clock = loop.clock();
    this.start = clock.now();
    this.cluster = new InMemoryCluster(clock);
    this.reconcileInterval = b.reconcileInterval;
    this.ledger = EnergyLedger.builder(clock).tariff(b.tariff).build();
    this.recorder = new SimulationRecorder(clock, ledger);
    for (Map.Entry<NodeSpec, Boolean> n : b.nodes.entrySet()) {
      boolean on;
      Supplier<PowerState> external = b.externalPower.get(n.getKey().name());
      if (external != null) {
        cluster.addNode(n.getKey(), external);
        on = external.get() == PowerState.ON;
      } else {
        cluster.addNode(n.getKey(), n.getValue());
        on = n.getValue();
      }
      ledger.register(n.getKey(), on ? NodeLifecycle.ACTIVE : NodeLifecycle.OFF);
      recorder.node(n.getKey().name());
    }
    this.beforeStep = List.copyOf(b.beforeStep);
    this.jobs = new SimulatedJobs(clock, cluster, ledger, recorder, b.queues, b.jobQueues, b.jobs);
    Function<NodeSpec, List<PowerDriver>> drivers = b.drivers;
    if (drivers == null) {
      ownRegistry =
          DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build();
      drivers = ownRegistry::chainFor;
    } else {
      ownRegistry = null;
    }
    cluster.addListener(jobs.podListener());
    this.engine =
        EcoKubeEngine.builder()
            .clusterView(cluster)
            .actuator(cluster)
            .drivers(drivers)
            .demand(jobs::demand)
            .policy(b.policy)
            .clock(clock)
            .tariff(b.tariff)
            .costSoFar(() -> ledger.report().actual().cost())
            .executor(ActionExecutor.inline())
            .listener(ledger)
            .listener(recorder)
            .listeners(b.listeners)
            .build();
    this.nextReconcile = start;
  }

  /** Starts a builder on a fresh virtual clock. */
  public static Builder builder() {
    return new Builder(new EventLoop(new ManualClock()));
  }

  /** Starts a builder on the given virtual clock, with an event loop of its own. */
  public static Builder builder(ManualClock clock) {
    return new Builder(new EventLoop(Objects.requireNonNull(clock, "clock")));
  }

  /**
   * Starts a builder on the given event loop (and its clock), shared with whatever else runs on it.
   */
  public static Builder builder(EventLoop loop) {
    return new Builder(Objects.requireNonNull(loop, "loop"));
  }

  /** The virtual clock. */
  public ManualClock clock() {
    return clock;
  }

  /** The event loop that moves the clock. */
  public EventLoop eventLoop() {
    return loop;
  }

  /** The in-memory cluster, for injecting failures or adding DaemonSet pods. */
  public InMemoryCluster cluster() {
    return cluster;
  }

  /** The engine under simulation. */
  public EcoKubeEngine engine() {
    return engine;
  }

  /** The energy ledger. */
  public EnergyLedger ledger() {
    return ledger;
  }

  /** Whether every job has arrived and finished. */
  public boolean allJobsDone() {
    return jobs.allDone();
  }

  /** Simulates for the given length of virtual time. */
  public SimulationReport run(Duration length) {
    Instant end = clock.now().plus(length);
    stepNow();
    loop.runUntil(end);
    jobs.refreshUtilisation();
    return report();
  }

  /**
   * Simulates until the condition holds after a step, or until {@code maxLength} of virtual time;
   * the clock stays at the last step.
   */
  public SimulationReport runUntil(Predicate<Simulator> done, Duration maxLength) {
    Instant end = clock.now().plus(maxLength);
    stepNow();
    loop.runUntil(end, () -> done.test(this));
    return report();
  }

  /**
   * Every run starts with a step at the current time: whatever was changed between runs (failures
   * injected, pods added) is seen at once, not at the step the last run left pending.
   */
  private void stepNow() {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
    nextStep.ifPresent(EventLoop.Event::cancel);
    nextStep = Optional.of(loop.at(clock.now(), this::step));
  }

  /** The report so far. */
  public SimulationReport report() {
    return new SimulationReport(
        start,
        clock.now(),
        ledger.report(),
        jobs.submitted(),
        jobs.completed(),
        jobs.waits(),
        recorder.cycles(),
        recorder.transitions(),
        recorder.timeline());
  }

  private void step() {
    beforeStep.forEach(Runnable::run);
    Instant now = clock.now();
    jobs.arriveAndComplete(now);
    cluster.refresh();
    jobs.restartInterrupted();
    jobs.scaleQueues(now);
    if (!now.isBefore(nextReconcile)) {
      engine.reconcileOnce();
      cluster.refresh();
      jobs.restartInterrupted();
      nextReconcile = nextReconcile.plus(reconcileInterval);
    }
    jobs.dispatchQueues(now);
    jobs.refreshUtilisation();
    nextStep = Optional.of(loop.at(nextEvent(), this::step));
  }

  private Instant nextEvent() {
    Instant now = clock.now();
    Instant next = jobs.nextEvent(nextReconcile, now);
    Optional<Instant> machine = cluster.nextMachineTransition();
    if (machine.isPresent() && machine.get().isBefore(next)) {
      next = machine.get();
    }
    return next.isAfter(now) ? next : now.plusMillis(1);
  }

  /** Closes the engine and the drivers. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    nextStep.ifPresent(EventLoop.Event::cancel);
    engine.close();
    if (ownRegistry != null) {
      ownRegistry.close();
    }
  }

  /** Builds a {@link Simulator}. */
  public static final class Builder {
    private final EventLoop loop;
    private final Map<NodeSpec, Boolean> nodes = new LinkedHashMap<>();
    private final Map<String, Supplier<PowerState>> externalPower = new HashMap<>();
    private final List<Runnable> beforeStep = new ArrayList<>();
    private final List<QueueWorkload> queues = new ArrayList<>();
    private final Map<String, JobQueue> jobQueues = new HashMap<>();
    private final List<Job> jobs = new ArrayList<>();
    private final List<EngineListener> listeners = new ArrayList<>();
    private EnginePolicy policy = EnginePolicy.defaults();
    private Duration reconcileInterval = Duration.ofSeconds(10);
    private Tariff tariff = FlatTariff.typicalEurope();
    private Function<NodeSpec, List<PowerDriver>> drivers;

    private Builder(EventLoop loop) {
      this.loop = loop;
    }

    /** Adds a node, running (Ready) or off at the start. */
    public Builder node(NodeSpec node, boolean poweredOn) {
      if (nodes.keySet().stream().anyMatch(n -> n.name().equals(node.name()))) {
        throw new IllegalArgumentException("node '" + node.name() + "' added twice");
      }
      nodes.put(node, poweredOn);
      return this;
    }

    /**
     * Adds a node whose power lives outside the simulation (a virtual node behind real drivers): it
     * is Ready while {@code power} reports ON. Use with {@link #drivers(Function)}.
     */
    public Builder node(NodeSpec node, Supplier<PowerState> power) {
      node(node, power.get() == PowerState.ON);
      externalPower.put(node.name(), power);
      return this;
    }

    /**
     * Runs a task at the start of every step, after the clock moved: lets things that share the
     * virtual clock (a virtual node's scheduler) catch up.
     */
    public Builder beforeStep(Runnable task) {
      beforeStep.add(Objects.requireNonNull(task, "task"));
      return this;
    }

    /** Adds a queue and its workers. */
    public Builder queue(QueueWorkload queue) {
      queues.add(queue);
      return this;
    }

    /** Adds a queue whose jobs wait in the given {@link JobQueue} instead of in memory. */
    public Builder queue(QueueWorkload queue, JobQueue jobQueue) {
      queues.add(queue);
      jobQueues.put(queue.name(), jobQueue);
      return this;
    }

    /** Adds a job. */
    public Builder job(Job job) {
      jobs.add(job);
      return this;
    }

    /** Adds jobs. */
    public Builder jobs(List<Job> more) {
      jobs.addAll(more);
      return this;
    }

    /** The engine's policy (default {@link EnginePolicy#defaults()}). */
    public Builder policy(EnginePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How often the engine reconciles (default 10 s of virtual time). */
    public Builder reconcileInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("reconcile interval must be positive");
      }
      this.reconcileInterval = interval;
      return this;
    }

    /** The tariff for cost and carbon (default {@link FlatTariff#typicalEurope()}). */
    public Builder tariff(Tariff tariff) {
      this.tariff = Objects.requireNonNull(tariff, "tariff");
      return this;
    }

    /**
     * The node driver chains (default: the cluster's {@code sim} driver for nodes whose chain names
     * {@code sim}).
     */
    public Builder drivers(Function<NodeSpec, List<PowerDriver>> drivers) {
      this.drivers = Objects.requireNonNull(drivers, "drivers");
      return this;
    }

    /** Adds an engine listener (besides the simulator's own recorder and ledger). */
    public Builder listener(EngineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the simulator; nothing runs until {@link Simulator#run(Duration)}. */
    public Simulator build() {
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("a simulation needs at least one node");
      }
      return new Simulator(this);
    }
  }
}
