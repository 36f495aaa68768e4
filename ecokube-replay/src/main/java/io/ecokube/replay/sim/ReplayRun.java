package io.ecokube.replay.sim;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.EventLoop;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyReport;
import io.ecokube.core.engine.ActionExecutor;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.core.prewake.PreWake;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.ReplayPolicy;
import io.ecokube.sim.cluster.InMemoryCluster;
import io.ecokube.sim.cluster.PodListener;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * Replays a {@link PodPlan} under one policy: the real {@link EcoKubeEngine} (inline executor) on
 * an {@link InMemoryCluster} of the cluster's nodes, accounted by an {@link EnergyLedger}, on
 * virtual time that jumps from event to event (arrivals, completions, boots and shutdowns ending,
 * reconcile ticks): one step event on an {@link EventLoop} per instant where something is due,
 * which handles all of it and schedules the next. Per-node state is followed by {@link
 * ReplayNodes}, the series by {@link SeriesAccumulator}.
 *
 * <p>Job pods are bare pods, bound first-fit by the in-memory scheduler; a node's utilisation (for
 * the ledger's linear power model) is the cores its running pods request. With pre-wake, the demand
 * series is the cores required (running plus pending), recorded at every reconcile, and its outlook
 * becomes expected demand of one-core pods beyond those cores. A started job counts as delayed by a
 * boot when it waited and one of its pods started on a node whose boot ended after the job was
 * submitted.
 *
 * <p>Quiet time is fast-forwarded: when nothing happened since the last reconcile, no node is in
 * transition and the last plan had no action, reconcile ticks are skipped up to the next deadline
 * the decision depends on (see {@link #quietUntil}); the outcome is the same as reconciling at
 * every tick (ReplayRunTest checks that), a week of a 50-node cluster just takes seconds instead of
 * minutes.
 *
 * <p>The core {@code Simulator} is not used because it offers no way to add expected demand and no
 * per-interval series; see docs/replay.md.
 */
public final class ReplayRun {
  /** Where virtual time starts: a midnight, so a trace's t = 0 is 00:00. */
  public static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

  private final ReplayPolicy policy;
  private final PodPlan plan;
  private final long endMs;
  private final DoubleConsumer progress;
  private final boolean fastForward;

  private final ManualClock clock = new ManualClock(START);
  private final EventLoop loop = new EventLoop(clock);
  private final InMemoryCluster cluster = new InMemoryCluster(clock);
  private final EnergyLedger ledger;
  private final EcoKubeEngine engine;
  private final DriverRegistry registry;
  private final ReplayPreWake preWake;

  private final ReplayNodes nodes;
  // Not final: the node mirror made before it tells it of transitions.
  private BackfillQueue queue;
  private final SeriesAccumulator series;
  private boolean dirty = true;

  /** Power caps make every utilisation change matter to the decision. */
  private final boolean capped;

  private boolean acted;

  private final Map<String, Integer> podByName = new HashMap<>();
  private final int[] attempt;
  private final int[] podNode;
  private final boolean[] podDone;
  private final boolean[] running;
  private final JobOutcomes jobs;
  private final PriorityQueue<long[]> completions =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
  private int nextArrival;
  private int pending;
  private long pendingCpu;
  private long busyCpu;

  private final long reconcileMs;
  private final long reportEvery;
  private long machineDue = Long.MIN_VALUE;
  private long nextReconcile;
  private long quietUntil = Long.MIN_VALUE;
  private long nextReport;

  private ReplayRun(
      ReplayCluster spec,
      ReplayPolicy policy,
      PodPlan plan,
      Duration horizon,
      Duration step,
      Optional<Function<Clock, PreWake>> preWake,
      DoubleConsumer progress,
      boolean fastForward) {
    this.fastForward = fastForward;
    this.capped =
        policy.engine().clusterPowerCapWatts().isPresent()
            || policy.engine().pools().values().stream()
                .anyMatch(pp -> pp.powerCapWatts().isPresent());
    this.policy = policy;
    this.plan = plan;
    this.endMs = horizon.toMillis();
    this.progress = progress;
    this.reconcileMs = policy.reconcileInterval().toMillis();
    this.reportEvery = Math.max(1, endMs / 200);
    ledger = EnergyLedger.builder(clock).tariff(spec.tariff()).build();
    List<NodeSpec> specs = spec.nodeSpecs();
    for (NodeSpec s : specs) {
      cluster.addNode(s, policy.startOn());
      ledger.register(s, policy.startOn() ? NodeLifecycle.ACTIVE : NodeLifecycle.OFF);
    }
    nodes =
        new ReplayNodes(
            specs,
            policy.startOn(),
            START,
            spec.power().bootTime(),
            spec.coresPerNode(),
            ledger,
            () -> {
              dirty = true;
              if (this.queue != null) {
                this.queue.changed();
              }
            });
    series = new SeriesAccumulator(endMs, step.toMillis());
    attempt = new int[plan.pods];
    podNode = new int[plan.pods];
    podDone = new boolean[plan.pods];
    running = new boolean[plan.pods];
    jobs = new JobOutcomes(plan);
    this.preWake = new ReplayPreWake(preWake.map(f -> f.apply(clock)).orElse(null), clock);
    queue =
        new BackfillQueue(
            plan,
            nodes,
            podByName,
            this::podName,
            START,
            spec.power().bootTime().toMillis(),
            spec.power().shutdownTime().toMillis());
    cluster.scheduler(queue);
    cluster.addListener(new Pods());
    registry = DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build();
    engine =
        EcoKubeEngine.builder()
            .clusterView(cluster)
            .actuator(cluster)
            .drivers(registry::chainFor)
            .demand(() -> this.preWake.demand(busyCpu + pendingCpu))
            .policy(policy.engine())
            .clock(clock)
            .executor(ActionExecutor.inline())
            .listener(ledger)
            .listener(nodes)
            .build();
  }

  /**
   * Replays the plan under the policy.
   *
   * @param cluster the cluster
   * @param policy the policy
   * @param plan the pods
   * @param horizon how long; accounting covers exactly {@code [0, horizon]}
   * @param step the series' interval
   * @param preWake makes the pre-wake on the run's clock, for predictive policies
   * @param progress receives the fraction of the horizon done, now and then
   */
  public static PolicyResult run(
      ReplayCluster cluster,
      ReplayPolicy policy,
      PodPlan plan,
      Duration horizon,
      Duration step,
      Optional<Function<Clock, PreWake>> preWake,
      DoubleConsumer progress) {
    return run(cluster, policy, plan, horizon, step, preWake, progress, true);
  }

  /**
   * As {@link #run(ReplayCluster, ReplayPolicy, PodPlan, Duration, Duration, Optional,
   * DoubleConsumer)}; without {@code fastForward} the engine reconciles at every tick, which tests
   * use to show that skipping quiet ticks changes nothing.
   */
  static PolicyResult run(
      ReplayCluster cluster,
      ReplayPolicy policy,
      PodPlan plan,
      Duration horizon,
      Duration step,
      Optional<Function<Clock, PreWake>> preWake,
      DoubleConsumer progress,
      boolean fastForward) {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(plan, "plan");
    if (horizon.isNegative() || horizon.isZero() || step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("horizon and step must be positive");
    }
    if (policy.predictive() && preWake.isEmpty()) {
      throw new IllegalArgumentException(policy.key() + " is predictive but has no pre-wake");
    }
    long t0 = System.nanoTime();
    ReplayRun r =
        new ReplayRun(
            cluster,
            policy,
            plan,
            horizon,
            step,
            policy.predictive() ? preWake : Optional.empty(),
            progress,
            fastForward);
    try {
      r.loop.at(START, r::step);
      r.loop.runUntil(START.plusMillis(r.endMs));
      r.progress.accept(1.0);
      return r.result(Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      r.engine.close();
      r.registry.close();
    }
  }

  private long nowMs() {
    return clock.now().toEpochMilli() - START.toEpochMilli();
  }

  /**
   * Handles everything due now (arrivals, completions, a reconcile tick unless quiet), adds the
   * interval to the next event to the series, and schedules the step there; the last interval runs
   * to the horizon, where the loop stops.
   */
  private void step() {
    long now = nowMs();
    boolean freed = false;
    while (nextArrival < plan.pods && plan.podArrivalMs[nextArrival] <= now) {
      arrive(nextArrival++);
    }
    while (!completions.isEmpty() && completions.peek()[0] <= now) {
      long[] c = completions.poll();
      freed |= complete((int) c[1], (int) c[2]);
    }
    // Arrivals are scheduled as they are added and reconciles look at the cluster themselves;
    // only freed capacity and machines finishing a boot or shutdown need a look here.
    if (freed || now == machineDue) {
      cluster.refresh();
    }
    if (now == machineDue) {
      queue.changed();
    }
    // All pods of the jobs arriving now are queued before the queue looks: jobs start whole.
    queue.look(cluster::refresh);
    if (nextReconcile < now) {
      nextReconcile = ceil(now, reconcileMs);
    }
    if (now == nextReconcile) {
      if (dirty || now >= quietUntil) {
        reconcile(now);
        quietUntil = quietUntil(now);
      }
      nextReconcile += reconcileMs;
    }
    if (now >= nextReport) {
      progress.accept(Math.min(1.0, now / (double) endMs));
      nextReport = now + reportEvery;
    }
    long next =
        dirty || quietUntil <= nextReconcile
            ? nextReconcile
            : quietUntil >= endMs ? endMs : ceil(quietUntil, reconcileMs);
    if (nextArrival < plan.pods) {
      next = Math.min(next, plan.podArrivalMs[nextArrival]);
    }
    if (!completions.isEmpty()) {
      next = Math.min(next, completions.peek()[0]);
    }
    Optional<Instant> machine = cluster.nextMachineTransition();
    machineDue = machine.map(m -> m.toEpochMilli() - START.toEpochMilli()).orElse(Long.MAX_VALUE);
    next = Math.min(next, machineDue);
    if (next <= now) {
      next = now + 1;
    }
    if (next >= endMs) {
      integrate(now, endMs);
      return;
    }
    integrate(now, next);
    loop.at(START.plusMillis(next), this::step);
  }

  private static long ceil(long t, long grid) {
    return Math.floorDiv(t + grid - 1, grid) * grid;
  }

  private void reconcile(long now) {
    preWake.record(busyCpu + pendingCpu);
    acted = !engine.reconcileOnce().actions().isEmpty();
    // Nodes changed state: the queue looks now.
    queue.look(cluster::refresh);
    dirty = false;
    nodes.reconciled(now);
  }

  /**
   * Until when the engine's decision cannot change if nothing happens in the cluster, so reconcile
   * ticks before it can be skipped without changing the outcome: the decision is a pure function of
   * the cluster, the demand, the node records and the time, and with every node settled (ACTIVE or
   * OFF) and no action planned, time only matters through the deadlines collected here: an idle
   * node's grace and minimum uptime running out, power-ons leaving the 24 h cycle window, wakes and
   * power-offs leaving the rate-limit windows and, with pre-wake, the forecast's step boundaries.
   * Returns the current time (no skipping) when anything is in motion.
   */
  private long quietUntil(long now) {
    if (acted || !fastForward || !nodes.settled()) {
      return now;
    }
    long until = Long.MAX_VALUE;
    long startMs = START.toEpochMilli();
    var engineRecords = engine.records();
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.spec(i);
      var rec = engineRecords.get(node.name());
      if (rec == null) {
        return now;
      }
      for (Instant on : rec.powerOns()) {
        until = after(until, on.toEpochMilli() - startMs + Duration.ofDays(1).toMillis(), now);
        if (nodes.lifecycle(i) == NodeLifecycle.ACTIVE) {
          until =
              after(
                  until, on.toEpochMilli() - startMs + policy.engine().minUptime().toMillis(), now);
        }
      }
      if (nodes.emptySinceMs(i) >= 0) {
        Duration grace =
            policy.engine().pool(node.pool()).idleGrace().orElse(node.power().breakEven());
        // The engine's idle clock starts at the same tick as this mirror's, or one tick later for
        // a node that became ACTIVE after the engine observed it (an uncordon after boot).
        long due = nodes.emptySinceMs(i) + grace.toMillis();
        until = after(until, due, now);
        until = after(until, due + policy.reconcileInterval().toMillis(), now);
      }
    }
    until = Math.min(until, nodes.wakeWindowEnd(policy.engine().wakeRate().window(), now));
    until = Math.min(until, nodes.suspendWindowEnd(policy.engine().suspendRate().window(), now));
    until = preWake.quietUntil(until, now);
    return until;
  }

  /** The earlier of {@code until} and {@code t}, when t is still to come. */
  static long after(long until, long t, long now) {
    return t > now ? Math.min(until, t) : until;
  }

  private String podName(int p) {
    return attempt[p] == 0 ? "p" + p : "p" + p + "-r" + attempt[p];
  }

  private void arrive(int p) {
    String name = podName(p);
    podByName.put(name, p);
    pending++;
    pendingCpu += plan.podCpuMillis[p];
    queue.changed();
    cluster.addPod(
        PodInfo.pending(
            "replay",
            name,
            SchedulingRequirements.of(
                new Resources(plan.podCpuMillis[p], plan.podMemBytes[p], 0, 1))));
    if (!running[p]) {
      // A pod left pending changes what the engine must wake.
      dirty = true;
    }
  }

  /** Finishes a pod unless it was restarted since; whether it finished. */
  private boolean complete(int p, int att) {
    if (att != attempt[p] || podDone[p]) {
      return false;
    }
    podDone[p] = true;
    running[p] = false;
    int node = podNode[p];
    busyCpu -= plan.podCpuMillis[p];
    nodes.addBusy(node, -plan.podCpuMillis[p]);
    // A node still busy, with nothing pending and no forecast to place, decides the same.
    dirty |= nodes.busyMillis(node) == 0 || pending > 0 || preWake.active() || capped;
    String name = podName(p);
    podByName.remove(name);
    queue.stopped(p);
    cluster.deletePod("replay/" + name);
    jobs.podDone(p);
    return true;
  }

  private void integrate(long from, long to) {
    series.add(from, to, ledger.watts(), nodes.nodesOn(), pending);
  }

  private PolicyResult result(Duration wall) {
    EnergyReport e = ledger.report();
    return new PolicyResult(
        policy.key(),
        policy.title(),
        e.actual().joules(),
        e.actual().cost(),
        e.actual().gramsCo2(),
        plan.jobs,
        jobs.started(),
        jobs.completed(),
        jobs.waits(),
        jobs.delayedByBoot(),
        nodes.cycles(),
        series.series(),
        wall,
        preWake.caveat(endMs, policy.key()));
  }

  /** Follows job pods as the in-memory scheduler starts them and nodes going down stop them. */
  private final class Pods implements PodListener {
    @Override
    public void podStarted(PodInfo pod, Instant at) {
      Integer p = podByName.get(pod.name());
      if (p == null || pod.node().isEmpty()) {
        return;
      }
      int node = nodes.index(pod.node().get());
      long t = at.toEpochMilli() - START.toEpochMilli();
      pending--;
      pendingCpu -= plan.podCpuMillis[p];
      busyCpu += plan.podCpuMillis[p];
      podNode[p] = node;
      running[p] = true;
      // Landing on a node that already had work changes no decision unless other pods still wait
      // (less room for them) or a forecast is placed (pre-wake counts present cores).
      dirty |= nodes.busyMillis(node) == 0 || pending > 0 || preWake.active() || capped;
      nodes.addBusy(node, plan.podCpuMillis[p]);
      completions.add(new long[] {t + plan.podRuntimeMs[p], p, attempt[p]});
      queue.started(p, node, t + plan.podRuntimeMs[p]);
      jobs.podStarted(p, t, nodes.bootEndsMs(node));
    }

    @Override
    public void podStopped(PodInfo pod, Instant at, String reason) {
      Integer p = podByName.remove(pod.name());
      if (p == null || podDone[p]) {
        return;
      }
      // The guard keeps nodes with work on, so this only happens when a machine fails; the pod
      // is submitted again, as a Job controller would.
      dirty = true;
      running[p] = false;
      queue.stopped(p);
      busyCpu -= plan.podCpuMillis[p];
      nodes.addBusy(podNode[p], -plan.podCpuMillis[p]);
      attempt[p]++;
      arrive(p);
    }
  }
}
