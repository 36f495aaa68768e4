package io.ecokube.replay.sim;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.Clock;
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
import java.util.ArrayList;
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
 * reconcile ticks).
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

  private static final WorkloadRef FORECAST = WorkloadRef.deployment("replay", "forecast");
  private static final SchedulingRequirements ONE_CORE =
      SchedulingRequirements.of(new Resources(1000, 0, 0, 1));

  private final ReplayCluster spec;
  private final ReplayPolicy policy;
  private final PodPlan plan;
  private final long endMs;
  private final long stepMs;
  private final DoubleConsumer progress;
  private final boolean fastForward;

  private final ManualClock clock = new ManualClock(START);
  private final InMemoryCluster cluster = new InMemoryCluster(clock);
  private final EnergyLedger ledger;
  private final EcoKubeEngine engine;
  private final DriverRegistry registry;
  private final PreWake preWake;

  private final List<NodeSpec> nodes;
  private final Map<String, Integer> nodeIndex = new HashMap<>();
  private final long[] busyMillis;
  private final boolean[] nodeOn;
  private final long[] bootEndsMs;
  private final int[] cycles;
  private final NodeLifecycle[] lifecycle;
  private final long[] emptySinceMs;
  private final java.util.ArrayDeque<Long> wakesMs = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Long> suspendsMs = new java.util.ArrayDeque<>();
  private int nodesOn;
  private boolean dirty = true;

  /** Power caps make every utilisation change matter to the decision. */
  private final boolean capped;

  private boolean acted;

  private final Map<String, Integer> podByName = new HashMap<>();
  private final int[] attempt;
  private final long[] podStartMs;
  private final int[] podNode;
  private final boolean[] podDone;
  private final boolean[] running;
  private final int[] jobPodsStarted;
  private final int[] jobPodsDone;
  private final long[] jobStartMs;
  private final boolean[] jobBootDelayed;
  private final PriorityQueue<long[]> completions =
      new PriorityQueue<>(
          (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
  private int nextArrival;
  private int pending;
  private long pendingCpu;
  private long busyCpu;

  private final double[] wattSum;
  private final double[] onSum;
  private final double[] backlogSum;

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
    this.spec = spec;
    this.policy = policy;
    this.plan = plan;
    this.endMs = horizon.toMillis();
    this.stepMs = step.toMillis();
    this.progress = progress;
    this.nodes = spec.nodeSpecs();
    int n = nodes.size();
    busyMillis = new long[n];
    nodeOn = new boolean[n];
    bootEndsMs = new long[n];
    cycles = new int[n];
    lifecycle = new NodeLifecycle[n];
    emptySinceMs = new long[n];
    ledger = EnergyLedger.builder(clock).tariff(spec.tariff()).build();
    for (int i = 0; i < n; i++) {
      NodeSpec s = nodes.get(i);
      nodeIndex.put(s.name(), i);
      cluster.addNode(s, policy.startOn());
      ledger.register(s, policy.startOn() ? NodeLifecycle.ACTIVE : NodeLifecycle.OFF);
      nodeOn[i] = policy.startOn();
      lifecycle[i] = NodeLifecycle.UNKNOWN;
      emptySinceMs[i] = -1;
      bootEndsMs[i] = Long.MIN_VALUE;
    }
    nodesOn = policy.startOn() ? n : 0;
    attempt = new int[plan.pods];
    podStartMs = new long[plan.pods];
    java.util.Arrays.fill(podStartMs, -1);
    podNode = new int[plan.pods];
    podDone = new boolean[plan.pods];
    running = new boolean[plan.pods];
    jobPodsStarted = new int[plan.jobs];
    jobPodsDone = new int[plan.jobs];
    jobStartMs = new long[plan.jobs];
    jobBootDelayed = new boolean[plan.jobs];
    int buckets = (int) Math.max(1, (endMs + stepMs - 1) / stepMs);
    wattSum = new double[buckets];
    onSum = new double[buckets];
    backlogSum = new double[buckets];
    this.preWake = preWake.map(f -> f.apply(clock)).orElse(null);
    cluster.addListener(new Pods());
    registry = DriverRegistry.builder().register(cluster.driverProvider()).clock(clock).build();
    engine =
        EcoKubeEngine.builder()
            .clusterView(cluster)
            .actuator(cluster)
            .drivers(registry::chainFor)
            .demand(this::demand)
            .policy(policy.engine())
            .clock(clock)
            .executor(ActionExecutor.inline())
            .listener(ledger)
            .listener(new Transitions())
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
      r.loop();
      return r.result(Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      r.engine.close();
      r.registry.close();
    }
  }

  private long nowMs() {
    return clock.now().toEpochMilli() - START.toEpochMilli();
  }

  private void loop() {
    long machineDue = Long.MIN_VALUE;
    long reconcileMs = policy.reconcileInterval().toMillis();
    long nextReconcile = 0;
    long quietUntil = Long.MIN_VALUE;
    long reportEvery = Math.max(1, endMs / 200);
    long nextReport = 0;
    while (true) {
      long now = nowMs();
      while (nextArrival < plan.pods && plan.podArrivalMs[nextArrival] <= now) {
        arrive(nextArrival++);
      }
      boolean freed = false;
      while (!completions.isEmpty() && completions.peek()[0] <= now) {
        long[] c = completions.poll();
        freed |= complete((int) c[1], (int) c[2]);
      }
      // Arrivals are scheduled as they are added and reconciles look at the cluster themselves;
      // only freed capacity and machines finishing a boot or shutdown need a look here.
      if (freed || now == machineDue) {
        cluster.refresh();
      }
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
        clock.set(START.plusMillis(endMs));
        progress.accept(1.0);
        return;
      }
      integrate(now, next);
      clock.set(START.plusMillis(next));
    }
  }

  private static long ceil(long t, long grid) {
    return Math.floorDiv(t + grid - 1, grid) * grid;
  }

  private void reconcile(long now) {
    if (preWake != null) {
      preWake.record((busyCpu + pendingCpu) / 1000.0);
    }
    acted = !engine.reconcileOnce().actions().isEmpty();
    dirty = false;
    // Mirrors the engine's own idle clock: a node is empty since the first reconcile that saw it
    // ACTIVE without work.
    for (int i = 0; i < lifecycle.length; i++) {
      if (lifecycle[i] == NodeLifecycle.ACTIVE && busyMillis[i] == 0) {
        if (emptySinceMs[i] < 0) {
          emptySinceMs[i] = now;
        }
      } else {
        emptySinceMs[i] = -1;
      }
    }
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
    if (acted || !fastForward) {
      return now;
    }
    for (NodeLifecycle l : lifecycle) {
      if (l != NodeLifecycle.ACTIVE && l != NodeLifecycle.OFF) {
        return now;
      }
    }
    long until = Long.MAX_VALUE;
    long startMs = START.toEpochMilli();
    var engineRecords = engine.records();
    for (int i = 0; i < lifecycle.length; i++) {
      NodeSpec node = nodes.get(i);
      var rec = engineRecords.get(node.name());
      if (rec == null) {
        return now;
      }
      for (Instant on : rec.powerOns()) {
        until = after(until, on.toEpochMilli() - startMs + Duration.ofDays(1).toMillis(), now);
        if (lifecycle[i] == NodeLifecycle.ACTIVE) {
          until =
              after(
                  until, on.toEpochMilli() - startMs + policy.engine().minUptime().toMillis(), now);
        }
      }
      if (emptySinceMs[i] >= 0) {
        Duration grace =
            policy.engine().pool(node.pool()).idleGrace().orElse(node.power().breakEven());
        // The engine's idle clock starts at the same tick as this mirror's, or one tick later for
        // a node that became ACTIVE after the engine observed it (an uncordon after boot).
        long due = emptySinceMs[i] + grace.toMillis();
        until = after(until, due, now);
        until = after(until, due + policy.reconcileInterval().toMillis(), now);
      }
    }
    until = Math.min(until, windowEnd(wakesMs, policy.engine().wakeRate().window(), now));
    until = Math.min(until, windowEnd(suspendsMs, policy.engine().suspendRate().window(), now));
    if (preWake != null) {
      long step = preWake.settings().step().toMillis();
      long lead = preWake.settings().leadTime().toMillis();
      // The outlook reads the steps overlapping [now, now + lead): it changes when either end
      // enters a new step (steps are aligned to the epoch, and so is START).
      long reach = Math.max(0, lead - 1);
      until = Math.min(until, (Math.floorDiv(now, step) + 1) * step);
      until = Math.min(until, (Math.floorDiv(now + reach, step) + 1) * step - reach);
      Optional<Instant> fit = preWake.nextFitDue();
      if (fit.isPresent()) {
        until = after(until, fit.get().toEpochMilli() - startMs, now);
      }
    }
    return until;
  }

  /** When the oldest action still in a rate-limit window leaves it; forgets those gone. */
  private static long windowEnd(java.util.ArrayDeque<Long> times, Duration window, long now) {
    long w = window.toMillis();
    while (!times.isEmpty() && times.peekFirst() + w <= now) {
      times.removeFirst();
    }
    return times.isEmpty() ? Long.MAX_VALUE : times.peekFirst() + w;
  }

  /** The earlier of {@code until} and {@code t}, when t is still to come. */
  private static long after(long until, long t, long now) {
    return t > now ? Math.min(until, t) : until;
  }

  private Demand demand() {
    Instant now = clock.now();
    if (preWake == null) {
      return Demand.none(now);
    }
    int coresNow = (int) Math.ceil((busyCpu + pendingCpu) / 1000.0);
    List<WorkloadDemand> expected = preWake.expected(FORECAST, ONE_CORE, coresNow);
    return new Demand(now, List.of(), expected, Optional.empty());
  }

  private String podName(int p) {
    return attempt[p] == 0 ? "p" + p : "p" + p + "-r" + attempt[p];
  }

  private void arrive(int p) {
    String name = podName(p);
    podByName.put(name, p);
    pending++;
    pendingCpu += plan.podCpuMillis[p];
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
    setBusy(node, busyMillis[node] - plan.podCpuMillis[p]);
    // A node still busy, with nothing pending and no forecast to place, decides the same.
    dirty |= busyMillis[node] == 0 || pending > 0 || preWake != null || capped;
    String name = podName(p);
    podByName.remove(name);
    cluster.deletePod("replay/" + name);
    jobPodsDone[plan.podJob[p]]++;
    return true;
  }

  private void setBusy(int node, long millis) {
    busyMillis[node] = millis;
    double cap = spec.coresPerNode() * 1000.0;
    ledger.utilisation(nodes.get(node).name(), Math.max(0, millis) / cap);
  }

  private void integrate(long from, long to) {
    if (to <= from) {
      return;
    }
    double w = ledger.watts();
    int b = (int) (from / stepMs);
    long t = from;
    while (t < to && b < wattSum.length) {
      long end = Math.min(to, (b + 1) * stepMs);
      double dt = (end - t) / 1000.0;
      wattSum[b] += w * dt;
      onSum[b] += nodesOn * dt;
      backlogSum[b] += pending * dt;
      t = end;
      b++;
    }
  }

  private PolicyResult result(Duration wall) {
    EnergyReport e = ledger.report();
    List<Double> waits = new ArrayList<>();
    int started = 0;
    int completed = 0;
    int delayed = 0;
    for (int j = 0; j < plan.jobs; j++) {
      if (jobPodsStarted[j] == plan.jobPods[j]) {
        started++;
        long wait = jobStartMs[j] - plan.jobSubmitMs[j];
        waits.add(wait / 1000.0);
        if (wait > 0 && jobBootDelayed[j]) {
          delayed++;
        }
      }
      if (jobPodsDone[j] == plan.jobPods[j]) {
        completed++;
      }
    }
    int buckets = wattSum.length;
    double[] watts = new double[buckets];
    double[] on = new double[buckets];
    double[] backlog = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      double len = Math.min(stepMs, endMs - (long) b * stepMs) / 1000.0;
      watts[b] = wattSum[b] / len;
      on[b] = onSum[b] / len;
      backlog[b] = backlogSum[b] / len;
    }
    return new PolicyResult(
        policy.key(),
        policy.title(),
        e.actual().joules(),
        e.actual().cost(),
        e.actual().gramsCo2(),
        plan.jobs,
        started,
        completed,
        waits.stream().mapToDouble(Double::doubleValue).toArray(),
        delayed,
        cycles,
        new Series(Duration.ofMillis(stepMs), watts, on, backlog),
        wall);
  }

  /** Follows job pods as the in-memory scheduler starts them and nodes going down stop them. */
  private final class Pods implements PodListener {
    @Override
    public void podStarted(PodInfo pod, Instant at) {
      Integer p = podByName.get(pod.name());
      if (p == null || pod.node().isEmpty()) {
        return;
      }
      int node = nodeIndex.get(pod.node().get());
      long t = at.toEpochMilli() - START.toEpochMilli();
      pending--;
      pendingCpu -= plan.podCpuMillis[p];
      busyCpu += plan.podCpuMillis[p];
      podNode[p] = node;
      running[p] = true;
      // Landing on a node that already had work changes no decision unless other pods still wait
      // (less room for them) or a forecast is placed (pre-wake counts present cores).
      dirty |= busyMillis[node] == 0 || pending > 0 || preWake != null || capped;
      setBusy(node, busyMillis[node] + plan.podCpuMillis[p]);
      completions.add(new long[] {t + plan.podRuntimeMs[p], p, attempt[p]});
      int j = plan.podJob[p];
      if (bootEndsMs[node] > plan.jobSubmitMs[j]) {
        jobBootDelayed[j] = true;
      }
      if (podStartMs[p] < 0) {
        podStartMs[p] = t;
        if (++jobPodsStarted[j] == plan.jobPods[j]) {
          jobStartMs[j] = t;
        }
      }
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
      busyCpu -= plan.podCpuMillis[p];
      setBusy(podNode[p], busyMillis[podNode[p]] - plan.podCpuMillis[p]);
      attempt[p]++;
      arrive(p);
    }
  }

  /** Counts power cycles and nodes on, and when each boot ends. */
  private final class Transitions implements EngineListener {
    @Override
    public void onTransition(NodeTransition t) {
      Integer i = nodeIndex.get(t.node());
      if (i == null) {
        return;
      }
      dirty = true;
      lifecycle[i] = t.to();
      long at = t.at().toEpochMilli() - START.toEpochMilli();
      if (t.to() == NodeLifecycle.DRAINING && t.from() == NodeLifecycle.ACTIVE) {
        suspendsMs.addLast(at);
      }
      if (t.to() == NodeLifecycle.BOOTING) {
        wakesMs.addLast(at);
        cycles[i]++;
        bootEndsMs[i] =
            t.at().toEpochMilli() - START.toEpochMilli() + spec.power().bootTime().toMillis();
      }
      boolean on = t.to() != NodeLifecycle.OFF;
      if (on != nodeOn[i]) {
        nodeOn[i] = on;
        nodesOn += on ? 1 : -1;
      }
    }
  }
}
