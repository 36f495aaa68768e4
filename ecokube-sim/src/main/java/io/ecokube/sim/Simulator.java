package io.ecokube.sim;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.engine.ActionExecutor;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import io.ecokube.sim.cluster.PodListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A discrete-event simulation of Eco-Kube on virtual time: jobs arrive, become pods (or messages
 * for queue workers), the {@link EcoKubeEngine} wakes and powers off nodes of an {@link
 * InMemoryCluster}, the scheduler binds pods, and an {@link EnergyLedger} accounts every joule.
 *
 * <p>Time jumps from event to event (arrivals, completions, boots and shutdowns finishing, queue
 * cooldowns) and to every reconcile tick, when {@link EcoKubeEngine#reconcileOnce()} runs with an
 * inline executor, so a simulated day takes seconds. Not thread-safe: drive it from one thread.
 *
 * <pre>{@code
 * Simulator sim = Simulator.builder()
 *     .node(controlPlane, true).node(worker, false)
 *     .policy(policy).jobs(jobs).build();
 * SimulationReport r = sim.run(Duration.ofDays(1));
 * }</pre>
 */
public final class Simulator implements AutoCloseable {
  private final ManualClock clock;
  private final Instant start;
  private final InMemoryCluster cluster;
  private final EnergyLedger ledger;
  private final EcoKubeEngine engine;
  private final DriverRegistry ownRegistry;
  private final Duration reconcileInterval;
  private final List<Runnable> beforeStep;
  private final PriorityQueue<Job> arrivals =
      new PriorityQueue<>(Comparator.comparing(Job::arrival).thenComparing(Job::id));
  private final PriorityQueue<Completion> completions =
      new PriorityQueue<>(Comparator.comparing(Completion::at).thenComparing(Completion::job));
  private final Map<String, JobRun> runs = new LinkedHashMap<>();
  private final Map<String, JobRun> batchPods = new HashMap<>();
  private final Map<String, QueueRun> queues = new LinkedHashMap<>();
  private final Deque<JobRun> interrupted = new ArrayDeque<>();
  private final List<TimelineEvent> timeline = new ArrayList<>();
  private final List<NodeTransition> transitions = new ArrayList<>();
  private final Map<String, Integer> cycles = new LinkedHashMap<>();
  private final Map<String, Double> lastUtilisation = new HashMap<>();
  private final List<Duration> waits = new ArrayList<>();
  private Instant nextReconcile;
  private int submitted;
  private int completed;
  private boolean closed;

  private Simulator(Builder b) {
    this.clock = b.clock;
    this.start = clock.now();
    this.cluster = new InMemoryCluster(clock);
    this.reconcileInterval = b.reconcileInterval;
    this.ledger = EnergyLedger.builder(clock).tariff(b.tariff).build();
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
      cycles.put(n.getKey().name(), 0);
    }
    this.beforeStep = List.copyOf(b.beforeStep);
    for (QueueWorkload q : b.queues) {
      cluster.registerWorkload(q.workload(), q.podTemplate());
      JobQueue jq = b.jobQueues.getOrDefault(q.name(), new InMemoryJobQueue(q.name(), "workers"));
      queues.put(q.name(), new QueueRun(q, jq));
    }
    for (Job j : b.jobs) {
      if (j.queue().isPresent() && !queues.containsKey(j.queue().get())) {
        throw new IllegalArgumentException(
            "job "
                + j.id()
                + " names unknown queue '"
                + j.queue().get()
                + "'; known: "
                + queues.keySet());
      }
      if (runs.putIfAbsent(j.id(), new JobRun(j)) != null) {
        throw new IllegalArgumentException("duplicate job id " + j.id());
      }
      arrivals.add(j);
    }
    Function<NodeSpec, List<PowerDriver>> drivers = b.drivers;
    if (drivers == null) {
      ownRegistry =
          DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build();
      drivers = ownRegistry::chainFor;
    } else {
      ownRegistry = null;
    }
    cluster.addListener(new Pods());
    this.engine =
        EcoKubeEngine.builder()
            .clusterView(cluster)
            .actuator(cluster)
            .drivers(drivers)
            .demand(this::demand)
            .policy(b.policy)
            .clock(clock)
            .tariff(b.tariff)
            .costSoFar(() -> ledger.report().actual().cost())
            .executor(ActionExecutor.inline())
            .listener(ledger)
            .listener(new Recorder())
            .listeners(b.listeners)
            .build();
    this.nextReconcile = start;
  }

  /** Starts a builder on a fresh virtual clock. */
  public static Builder builder() {
    return new Builder(new ManualClock());
  }

  /** Starts a builder on the given virtual clock. */
  public static Builder builder(ManualClock clock) {
    return new Builder(clock);
  }

  /** The virtual clock. */
  public ManualClock clock() {
    return clock;
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
    return completed == runs.size();
  }

  /** Simulates for the given length of virtual time. */
  public SimulationReport run(Duration length) {
    Instant end = clock.now().plus(length);
    runUntil(s -> false, end);
    clock.set(end);
    refreshUtilisation();
    return report();
  }

  /**
   * Simulates until the condition holds after a step, or until {@code maxLength} of virtual time.
   */
  public SimulationReport runUntil(Predicate<Simulator> done, Duration maxLength) {
    runUntil(done, clock.now().plus(maxLength));
    return report();
  }

  private void runUntil(Predicate<Simulator> done, Instant end) {
    if (closed) {
      throw new IllegalStateException("simulator is closed");
    }
    while (true) {
      step();
      if (done.test(this)) {
        return;
      }
      Instant next = nextEvent();
      if (next.isAfter(end)) {
        return;
      }
      clock.set(next);
    }
  }

  /** The report so far. */
  public SimulationReport report() {
    return new SimulationReport(
        start,
        clock.now(),
        ledger.report(),
        submitted,
        completed,
        waits,
        cycles,
        transitions,
        timeline);
  }

  private void step() {
    beforeStep.forEach(Runnable::run);
    Instant now = clock.now();
    while (!arrivals.isEmpty() && !arrivals.peek().arrival().isAfter(now)) {
      arrive(arrivals.poll());
    }
    while (!completions.isEmpty() && !completions.peek().at().isAfter(now)) {
      complete(completions.poll());
    }
    cluster.refresh();
    restartInterrupted();
    scaleQueues(now);
    if (!now.isBefore(nextReconcile)) {
      engine.reconcileOnce();
      cluster.refresh();
      restartInterrupted();
      nextReconcile = nextReconcile.plus(reconcileInterval);
    }
    dispatchQueues(now);
    refreshUtilisation();
  }

  private Instant nextEvent() {
    Instant next = nextReconcile;
    if (!arrivals.isEmpty()) {
      next = min(next, arrivals.peek().arrival());
    }
    if (!completions.isEmpty()) {
      next = min(next, completions.peek().at());
    }
    Optional<Instant> machine = cluster.nextMachineTransition();
    if (machine.isPresent()) {
      next = min(next, machine.get());
    }
    for (QueueRun q : queues.values()) {
      Optional<Instant> t = q.cooldownEnds();
      if (t.isPresent() && t.get().isAfter(clock.now())) {
        next = min(next, t.get());
      }
    }
    return next.isAfter(clock.now()) ? next : clock.now().plusMillis(1);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void arrive(Job j) {
    submitted++;
    record("ARRIVED", j.id(), j.queue().map(q -> "queued on " + q).orElse("batch job"));
    if (j.queue().isPresent()) {
      queues.get(j.queue().get()).queue.offer(j);
    } else {
      submitPod(runs.get(j.id()));
    }
  }

  private void submitPod(JobRun run) {
    String name = "job-" + run.job.id() + (run.attempt == 0 ? "" : "-r" + run.attempt);
    PodInfo pod =
        new PodInfo(
            "sim",
            name,
            PodKind.WORKLOAD,
            PodPhase.PENDING,
            Optional.empty(),
            run.job.requests(),
            Optional.empty(),
            0,
            Optional.empty());
    run.podKey = pod.key();
    batchPods.put(pod.key(), run);
    cluster.addPod(pod);
  }

  private void complete(Completion c) {
    JobRun run = runs.get(c.job);
    if (run.attempt != c.attempt || run.done) {
      return;
    }
    run.done = true;
    completed++;
    record("DONE", run.job.id(), "on " + run.node);
    if (run.job.queue().isPresent()) {
      QueueRun q = queues.get(run.job.queue().get());
      // The backlog was active up to this acknowledgement: the cooldown starts now.
      q.lastActive = Optional.of(clock.now());
      q.queue.acknowledge(run.job);
      q.busy.remove(run.podKey);
    } else {
      batchPods.remove(run.podKey);
      cluster.deletePod(run.podKey);
    }
  }

  private void restartInterrupted() {
    while (!interrupted.isEmpty()) {
      JobRun run = interrupted.poll();
      if (run.job.queue().isEmpty()) {
        submitPod(run);
      }
    }
  }

  private void started(JobRun run, String podKey, String node, Instant at) {
    run.podKey = podKey;
    run.node = node;
    if (run.firstStart.isEmpty()) {
      run.firstStart = Optional.of(at);
      waits.add(Duration.between(run.job.arrival(), at));
    }
    completions.add(new Completion(at.plus(run.job.duration()), run.job.id(), run.attempt));
    record("STARTED", run.job.id(), "on " + node + " (" + podKey + ")");
  }

  private void scaleQueues(Instant now) {
    for (QueueRun q : queues.values()) {
      BacklogReading b = q.queue.backlog(now);
      long lag = b.totalLag();
      if (lag > 0) {
        q.lastActive = Optional.of(now);
      }
      int wanted = q.spec.replicasFor(lag);
      int target;
      if (lag > 0) {
        target = Math.max(q.replicas, wanted);
      } else if (q.cooldownEnds().map(t -> !now.isBefore(t)).orElse(true)) {
        target = q.spec.minReplicas();
      } else {
        target = q.replicas;
      }
      if (target != q.replicas) {
        record(
            "SCALED",
            q.spec.workload().toString(),
            q.replicas
                + " -> "
                + target
                + " workers (lag "
                + lag
                + ", threshold "
                + q.spec.lagThreshold()
                + (lag == 0 ? ", cooldown " + q.spec.cooldown().toSeconds() + " s over" : "")
                + ")");
        q.replicas = target;
        try {
          cluster.scale(q.spec.workload(), target);
        } catch (ActuatorException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        q.reason = "lag " + lag + " / threshold " + q.spec.lagThreshold() + " -> " + target;
      }
    }
  }

  private void dispatchQueues(Instant now) {
    for (QueueRun q : queues.values()) {
      for (PodInfo p : cluster.podsOf(q.spec.workload())) {
        if (p.phase() != PodPhase.RUNNING || q.busy.containsKey(p.key())) {
          continue;
        }
        Optional<Job> j = q.queue.poll();
        if (j.isEmpty()) {
          break;
        }
        JobRun run = runs.get(j.get().id());
        q.busy.put(p.key(), run);
        started(run, p.key(), p.node().orElse("?"), now);
      }
    }
  }

  private Demand demand() {
    Instant now = clock.now();
    List<WorkloadDemand> desired = new ArrayList<>();
    for (QueueRun q : queues.values()) {
      desired.add(
          new WorkloadDemand(q.spec.workload(), q.replicas, q.spec.podTemplate(), 0, q.reason));
    }
    return new Demand(now, desired, List.of(), Optional.empty());
  }

  private void refreshUtilisation() {
    Map<String, Long> busyCpu = new HashMap<>();
    for (JobRun r : batchPods.values()) {
      if (r.node != null && r.firstStart.isPresent() && !r.done) {
        busyCpu.merge(r.node, r.job.requests().requests().cpuMillis(), Long::sum);
      }
    }
    for (QueueRun q : queues.values()) {
      for (JobRun r : q.busy.values()) {
        busyCpu.merge(r.node, q.spec.podTemplate().requests().cpuMillis(), Long::sum);
      }
    }
    for (NodeSpec n : cluster.nodeSpecs()) {
      long cap = n.allocatable().cpuMillis();
      double u = cap == 0 ? 0 : Math.min(1.0, busyCpu.getOrDefault(n.name(), 0L) / (double) cap);
      Double before = lastUtilisation.put(n.name(), u);
      if (before == null || before != u) {
        ledger.utilisation(n.name(), u);
      }
    }
  }

  private void record(String kind, String subject, String detail) {
    timeline.add(
        new TimelineEvent(
            clock.now(), kind, subject, detail, ledger.watts(), ledger.alwaysOnWatts()));
  }

  /** Closes the engine and the drivers. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    engine.close();
    if (ownRegistry != null) {
      ownRegistry.close();
    }
  }

  private final class Pods implements PodListener {
    @Override
    public void podStarted(PodInfo pod, Instant at) {
      JobRun run = batchPods.get(pod.key());
      if (run != null && !run.done) {
        started(run, pod.key(), pod.node().orElse("?"), at);
      }
    }

    @Override
    public void podStopped(PodInfo pod, Instant at, String reason) {
      JobRun run = batchPods.remove(pod.key());
      if (run == null) {
        for (QueueRun q : queues.values()) {
          run = q.busy.remove(pod.key());
          if (run != null) {
            q.queue.redeliver(run.job);
            break;
          }
        }
      }
      if (run != null && !run.done) {
        run.attempt++;
        run.node = null;
        record("INTERRUPTED", run.job.id(), reason);
        interrupted.add(run);
      }
    }
  }

  private final class Recorder implements EngineListener {
    @Override
    public void onPlan(Plan plan) {
      for (PlannedAction a : plan.actions()) {
        record("ACTION", a.node(), a.type() + ": " + a.reason());
      }
    }

    @Override
    public void onOutcome(ActionOutcome o) {
      if (o.result() != ActionOutcome.Result.SUCCEEDED) {
        record(
            "OUTCOME", o.action().node(), o.action().type() + " " + o.result() + ": " + o.detail());
      }
    }

    @Override
    public void onTransition(NodeTransition t) {
      transitions.add(t);
      if (t.to() == NodeLifecycle.BOOTING) {
        cycles.merge(t.node(), 1, Integer::sum);
      }
      record("STATE", t.node(), t.from() + " -> " + t.to() + ": " + t.reason());
    }
  }

  private record Completion(Instant at, String job, int attempt) {}

  private static final class JobRun {
    final Job job;
    int attempt;
    String podKey;
    String node;
    Optional<Instant> firstStart = Optional.empty();
    boolean done;

    JobRun(Job job) {
      this.job = job;
    }
  }

  private static final class QueueRun {
    final QueueWorkload spec;
    final JobQueue queue;
    final Map<String, JobRun> busy = new LinkedHashMap<>();
    int replicas;
    Optional<Instant> lastActive = Optional.empty();
    String reason = "no backlog";

    QueueRun(QueueWorkload spec, JobQueue queue) {
      this.spec = spec;
      this.queue = queue;
      this.replicas = spec.minReplicas();
    }

    Optional<Instant> cooldownEnds() {
      return lastActive.map(t -> t.plus(spec.cooldown()));
    }
  }

  /** Builds a {@link Simulator}. */
  public static final class Builder {
    private final ManualClock clock;
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

    private Builder(ManualClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
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
