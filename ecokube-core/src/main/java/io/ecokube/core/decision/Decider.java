package io.ecokube.core.decision;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.lifecycle.Lifecycle;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The pure decision step: {@link DecisionInput} in, {@link Plan} out, in four stages.
 *
 * <ol>
 *   <li><b>Demand</b>: the unscheduled pods of the snapshot; the pods that {@code Demand.desired}
 *       workloads still miss (replicas minus their active pods); and the forecast pods of {@code
 *       Demand.expected} beyond both.
 *   <li><b>Fit</b>: places that demand, first-fit, on ACTIVE (uncordoned) and BOOTING nodes,
 *       honouring resources, node selectors, required affinity and taints; nodes already running
 *       work come first and the longest-idle nodes last, so idle nodes stay free to be powered off.
 *       What does not fit brings back a DRAINING node (UNCORDON), then wakes OFF nodes, cheapest
 *       first. <em>Cost</em> is idle watts per allocatable CPU core: CPU is what every pod requests
 *       and what a server's power tracks, while memory, GPUs and pod slots are checked by fit
 *       rather than priced. Among candidates of equal cost (to 0.01 W per core) the node that has
 *       been off longest wakes first (wear-levelling). Green nodes ({@code EnginePolicy.green()})
 *       are ranked at their cost times the green weight and, at equal ranked cost, before other
 *       nodes. A wake is held back by the cluster and pool power caps (projected draw), the wake
 *       rate limit, the per-node cycle limit, a pending retry backoff and the cost budget (demand
 *       of an exempt priority aside). Demand of a deferrable workload waits for a lower-carbon hour
 *       instead of a wake when the tariff forecasts one before its deadline (see {@code defer}).
 *       Pools below their warm reserve (budgeted), and nodes off longer than {@code
 *       maxPoweredOffDuration} (not budgeted: maintenance), are woken too.
 *   <li><b>Scale-down</b>: an ACTIVE node empty of work for its idle grace (the pool's, else its
 *       energy break-even time), that no demand or forecast was placed on, past its minimum uptime,
 *       with a power cycle left today and above its pool's warm reserve, is drained, within the
 *       suspend rate limit. A DRAINING node with no work left is powered off; one whose drain
 *       failed or outlived {@code drainTimeout}, or whose pool fell below {@code minActive}, is
 *       uncordoned back to ACTIVE. BOOTING nodes that are Ready but cordoned are uncordoned;
 *       UNKNOWN nodes and FAILED nodes past their backoff are probed.
 *   <li><b>Guard</b>: {@link Guard}, always last.
 * </ol>
 *
 * <p>Cost is linear: one pass over the pods (through the snapshot's per-node index), one pass over
 * the nodes per distinct pod shape that has to be placed, and no node-by-pod loops.
 */
public final class Decider {

  private static final Duration HOUR = Duration.ofHours(1);

  private Decider() {}

  /** Decides what to do. */
  public static Plan decide(DecisionInput in) {
    return new Run(in, null).run();
  }

  /**
   * Decides what to do, reusing the per-node pod totals of earlier steps from {@code memo} where a
   * node's pods are unchanged. Gives the same plan as {@link #decide(DecisionInput)}; a loop that
   * decides again and again keeps one memo to avoid re-reading every pod every step.
   */
  public static Plan decide(DecisionInput in, NodeUsageMemo memo) {
    return new Run(in, Objects.requireNonNull(memo, "memo")).run();
  }

  /** A group of identical pods to place. */
  private static final class Group {
    final SchedulingRequirements req;
    final String what;
    final boolean forecast;
    final int priority;

    /** The owning workload, or null for bare pods. */
    final WorkloadRef owner;

    /** Waits for a lower-carbon hour instead of waking a node. */
    boolean deferred;

    int left;

    /** Per-node admission cache: 0 unknown, 1 admits, 2 refuses. */
    byte[] admits;

    Group(
        SchedulingRequirements req,
        String what,
        boolean forecast,
        int count,
        int priority,
        WorkloadRef owner) {
      this.req = req;
      this.what = what;
      this.forecast = forecast;
      this.left = count;
      this.priority = priority;
      this.owner = owner;
    }
  }

  /** Pending pods are grouped by what they need, their priority and their deferrable owner. */
  private record PendingKey(SchedulingRequirements req, int priority, WorkloadRef owner) {}

  /** From this many nodes on, a step without a memo sums pods on several cores. */
  static final int PARALLEL_NODES = 1024;

  private static final class Run {
    private final DecisionInput in;
    private final Instant now;
    private final EnginePolicy policy;
    private final ClusterSnapshot snap;
    private final int n;
    private final ClusterNode[] nodes;
    private final NodeRecord[] recs;
    private final NodeLifecycle[] state;
    private final boolean[] inFlight;
    private final boolean[] work;
    private final long[] freeCpu;
    private final long[] freeMem;
    private final int[] freeGpu;
    private final int[] freePods;
    private final long[] usedCpu;

    /** Pods of the demand placed on each node in this step. */
    private final int[] placed;

    private final boolean[] acted;
    private final Map<String, int[]> onByPool = new HashMap<>();
    private final Map<String, int[]> activeByPool = new HashMap<>();

    /** Active pods (bound to a node of the snapshot, or waiting) per demanded workload. */
    private final Map<WorkloadRef, int[]> activeOf = new HashMap<>();

    private final Map<String, double[]> wattsByPool = new HashMap<>();
    private double clusterWatts;
    private int wakesLeft;
    private int suspendsLeft;

    /** Spend of the current budget windows, including the wakes committed in this step. */
    private double spentHour;

    private double spentPeriod;
    private final List<PlannedAction> proposed = new ArrayList<>();
    private final List<HeldBack> held = new ArrayList<>();
    private final Map<SchedulingRequirements, byte[]> admitCache = new HashMap<>();

    private final NodeUsageMemo memo;

    Run(DecisionInput in, NodeUsageMemo memo) {
      this.in = in;
      this.memo = memo;
      this.now = in.now();
      this.policy = in.policy();
      this.snap = in.snapshot();
      List<ClusterNode> list = snap.nodes();
      this.n = list.size();
      this.nodes = list.toArray(new ClusterNode[0]);
      this.recs = new NodeRecord[n];
      this.state = new NodeLifecycle[n];
      this.inFlight = new boolean[n];
      this.work = new boolean[n];
      this.freeCpu = new long[n];
      this.freeMem = new long[n];
      this.freeGpu = new int[n];
      this.freePods = new int[n];
      this.usedCpu = new long[n];
      this.placed = new int[n];
      this.acted = new boolean[n];
    }

    Plan run() {
      index();
      List<Group> groups = demand();
      fit(groups);
      defer(groups);
      wakeForDemand(groups);
      warmReserve();
      maxOff();
      scaleDown();
      housekeeping();
      Guard.Verdict v = Guard.apply(in, proposed);
      List<HeldBack> all = new ArrayList<>(held);
      all.addAll(v.refused());
      return new Plan(now, v.allowed(), all);
    }

    // ---------------------------------------------------------------- indexing

    /**
     * Sums every node's pods without a memo. Reading 150,000 scattered pod objects is bound by
     * memory latency, so large clusters split the nodes across cores; each node's sum is
     * independent and the result is the same as a sequential pass.
     */
    private NodeUsageMemo.Usage[] coldUsage(NodeUsageMemo.Owners ownerIndex) {
      NodeUsageMemo.Usage[] out = new NodeUsageMemo.Usage[n];
      IntStream range = IntStream.range(0, n);
      if (n >= PARALLEL_NODES) {
        range = range.parallel();
      }
      range.forEach(
          i -> out[i] = NodeUsageMemo.Usage.of(snap.podsOn(nodes[i].name()), ownerIndex, false));
      return out;
    }

    private void index() {
      List<WorkloadRef> demanded = new ArrayList<>();
      NodeUsageMemo.Owners ownerIndex = new NodeUsageMemo.Owners();
      for (List<WorkloadDemand> l : List.of(in.demand().desired(), in.demand().expected())) {
        for (WorkloadDemand d : l) {
          if (ownerIndex.add(d.workload())) {
            demanded.add(d.workload());
          }
        }
      }
      int[] owned = new int[demanded.size()];
      if (!demanded.isEmpty()) {
        for (PodInfo p : snap.unscheduledPods()) {
          Optional<WorkloadRef> owner = p.owner();
          Integer k = owner.isPresent() ? ownerIndex.indexOf(owner.get()) : null;
          if (k != null) {
            owned[k]++;
          }
        }
      }
      if (memo != null) {
        memo.begin(demanded);
      }
      NodeUsageMemo.Usage[] cold = memo == null ? coldUsage(ownerIndex) : null;
      for (int i = 0; i < n; i++) {
        ClusterNode cn = nodes[i];
        String name = cn.name();
        NodeRecord r = in.records().get(name);
        recs[i] = r;
        state[i] = r == null ? NodeLifecycle.UNKNOWN : r.state();
        inFlight[i] = in.inFlight().contains(name);
        List<PodInfo> pods = snap.podsOn(name);
        NodeUsageMemo.Usage u = memo != null ? memo.usage(name, pods, ownerIndex) : cold[i];
        for (int j = 0; j < u.ownerIdx.length; j++) {
          owned[u.ownerIdx[j]] += u.ownerCount[j];
        }
        work[i] = u.work;
        usedCpu[i] = u.cpu;
        Resources alloc = cn.spec().allocatable();
        freeCpu[i] = alloc.cpuMillis() - u.cpu;
        freeMem[i] = alloc.memoryBytes() - u.mem;
        freeGpu[i] = alloc.gpus() - u.gpu;
        freePods[i] = alloc.pods() - u.slots;
        String pool = cn.spec().pool();
        if (state[i].providesCapacity()) {
          onByPool.computeIfAbsent(pool, k -> new int[1])[0]++;
        }
        if (state[i] == NodeLifecycle.ACTIVE) {
          activeByPool.computeIfAbsent(pool, k -> new int[1])[0]++;
        }
        double w = projectedWatts(i);
        clusterWatts += w;
        wattsByPool.computeIfAbsent(pool, k -> new double[1])[0] += w;
      }
      if (memo != null) {
        memo.end();
      }
      for (int k = 0; k < demanded.size(); k++) {
        activeOf.put(demanded.get(k), new int[] {owned[k]});
      }
      wakesLeft = budget(policy.wakeRate(), in.recentWakes());
      suspendsLeft = budget(policy.suspendRate(), in.recentSuspends());
      spentHour = in.spend().hour();
      spentPeriod = in.spend().period();
    }

    private int budget(RateLimit limit, List<Instant> recent) {
      Instant from = now.minus(limit.window());
      int used = 0;
      for (Instant t : recent) {
        if (t.isAfter(from) && !t.isAfter(now)) {
          used++;
        }
      }
      return Math.max(0, limit.count() - used);
    }

    /** The draw a node is expected to have: the power model at its requested CPU. */
    private double projectedWatts(int i) {
      PowerProfile p = nodes[i].spec().power();
      switch (state[i]) {
        case OFF:
          return p.offWatts();
        case BOOTING:
          return Math.max(p.transitionWatts(), p.wattsAt(utilisation(i, usedCpu[i])));
        case SHUTTING_DOWN:
          return p.transitionWatts();
        default:
          // ACTIVE, DRAINING, and conservatively UNKNOWN and FAILED: assumed on.
          return p.wattsAt(utilisation(i, usedCpu[i]));
      }
    }

    private double utilisation(int i, long cpu) {
      long alloc = nodes[i].spec().allocatable().cpuMillis();
      return alloc == 0 ? 0 : (double) cpu / alloc;
    }

    // ---------------------------------------------------------------- stage 1: demand

    private List<Group> demand() {
      Map<PendingKey, Group> pending = new LinkedHashMap<>();
      Map<WorkloadRef, DeferralPolicy> deferrable = policy.carbon().deferrable();
      for (PodInfo p : snap.unscheduledPods()) {
        WorkloadRef owner = p.owner().filter(deferrable::containsKey).orElse(null);
        PendingKey key = new PendingKey(p.scheduling(), p.priority(), owner);
        Group g = pending.get(key);
        if (g == null) {
          g = new Group(p.scheduling(), p.key(), false, 0, p.priority(), owner);
          pending.put(key, g);
        }
        g.left++;
      }
      List<Group> groups = new ArrayList<>();
      for (Group g : pending.values()) {
        String what =
            g.left > 1 ? g.left + " pending pods like " + g.what : "pending pod " + g.what;
        groups.add(new Group(g.req, what, false, g.left, g.priority, g.owner));
      }
      List<WorkloadDemand> desired = in.demand().desired();
      List<WorkloadDemand> expected = in.demand().expected();
      if (desired.isEmpty() && expected.isEmpty()) {
        return exemptFirst(groups);
      }
      Map<WorkloadRef, int[]> active = activeOf;
      Map<WorkloadRef, Integer> desiredReplicas = new HashMap<>();
      for (WorkloadDemand d : desired) {
        desiredReplicas.merge(d.workload(), d.replicas(), Math::max);
      }
      for (WorkloadDemand d : desired) {
        int missing = d.replicas() - active.get(d.workload())[0];
        if (missing > 0) {
          groups.add(
              new Group(
                  d.podTemplate(),
                  missing + " missing pods of " + d.workload() + " (" + d.reason() + ")",
                  false,
                  missing,
                  d.priority(),
                  d.workload()));
        }
      }
      for (WorkloadDemand d : expected) {
        int have =
            Math.max(active.get(d.workload())[0], desiredReplicas.getOrDefault(d.workload(), 0));
        int extra = d.replicas() - have;
        if (extra > 0) {
          groups.add(
              new Group(
                  d.podTemplate(),
                  extra + " forecast pods of " + d.workload() + " (" + d.reason() + ")",
                  true,
                  extra,
                  d.priority(),
                  d.workload()));
        }
      }
      return exemptFirst(groups);
    }

    /**
     * With a budget set, demand exempt from it is placed first, so that a node woken for it is not
     * filled by demand the budget would have held back.
     */
    private List<Group> exemptFirst(List<Group> groups) {
      if (policy.budget().enabled()) {
        groups.sort(Comparator.comparing((Group g) -> !policy.budget().exempt(g.priority)));
      }
      return groups;
    }

    // ---------------------------------------------------------------- stage 2: fit

    private boolean admits(Group g, int i) {
      if (g.admits == null) {
        g.admits = admitCache.computeIfAbsent(g.req, k -> new byte[n]);
      }
      byte b = g.admits[i];
      if (b == 0) {
        b = g.req.admits(nodes[i].spec()) ? (byte) 1 : (byte) 2;
        g.admits[i] = b;
      }
      return b == 1;
    }

    /** How many pods of the group fit in the given free amounts (at most {@code cap}). */
    private static int howMany(Resources q, long cpu, long mem, int gpu, int pods, int cap) {
      long k = cap;
      if (q.cpuMillis() > 0) {
        k = Math.min(k, cpu / q.cpuMillis());
      } else if (cpu < 0) {
        k = 0;
      }
      if (q.memoryBytes() > 0) {
        k = Math.min(k, mem / q.memoryBytes());
      } else if (mem < 0) {
        k = 0;
      }
      if (q.gpus() > 0) {
        k = Math.min(k, gpu / q.gpus());
      } else if (gpu < 0) {
        k = 0;
      }
      if (q.pods() > 0) {
        k = Math.min(k, pods / q.pods());
      } else if (pods < 0) {
        k = 0;
      }
      return (int) Math.max(0, k);
    }

    private int placeOn(Group g, int i) {
      Resources q = g.req.requests();
      int k = howMany(q, freeCpu[i], freeMem[i], freeGpu[i], freePods[i], g.left);
      if (k == 0 || !admits(g, i)) {
        return 0;
      }
      freeCpu[i] -= q.cpuMillis() * k;
      freeMem[i] -= q.memoryBytes() * k;
      freeGpu[i] -= q.gpus() * k;
      freePods[i] -= q.pods() * k;
      usedCpu[i] += q.cpuMillis() * k;
      placed[i] += k;
      g.left -= k;
      return k;
    }

    private void fit(List<Group> groups) {
      if (groups.isEmpty()) {
        return;
      }
      // Busy nodes first, then booting ones, then idle ones (most recently emptied first) so that
      // the longest-idle nodes stay free to be powered off.
      List<Integer> busy = new ArrayList<>();
      List<Integer> booting = new ArrayList<>();
      List<Integer> idle = new ArrayList<>();
      long maxCpu = Long.MIN_VALUE;
      long maxMem = Long.MIN_VALUE;
      int maxGpu = Integer.MIN_VALUE;
      int maxPods = Integer.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        if (state[i] == NodeLifecycle.BOOTING) {
          booting.add(i);
        } else if (state[i] == NodeLifecycle.ACTIVE && !nodes[i].cordoned()) {
          (work[i] ? busy : idle).add(i);
        } else {
          continue;
        }
        maxCpu = Math.max(maxCpu, freeCpu[i]);
        maxMem = Math.max(maxMem, freeMem[i]);
        maxGpu = Math.max(maxGpu, freeGpu[i]);
        maxPods = Math.max(maxPods, freePods[i]);
      }
      idle.sort(
          Comparator.comparing((Integer i) -> in.emptySince().getOrDefault(nodes[i].name(), now))
              .reversed());
      int[] order = new int[busy.size() + booting.size() + idle.size()];
      int o = 0;
      for (List<Integer> l : List.of(busy, booting, idle)) {
        for (int i : l) {
          order[o++] = i;
        }
      }
      for (Group g : groups) {
        Resources q = g.req.requests();
        // Free amounts only shrink while placing, so the maxima stay upper bounds: a group larger
        // than any node's free amount is skipped without a scan.
        if (q.cpuMillis() > maxCpu
            || q.memoryBytes() > maxMem
            || q.gpus() > maxGpu
            || q.pods() > maxPods) {
          continue;
        }
        for (int k = 0; k < order.length && g.left > 0; k++) {
          placeOn(g, order[k]);
        }
      }
      // Demand that still does not fit brings DRAINING nodes back before any node is woken.
      for (int i = 0; i < n; i++) {
        if (state[i] != NodeLifecycle.DRAINING || inFlight[i] || acted[i]) {
          continue;
        }
        int got = 0;
        String first = null;
        for (Group g : groups) {
          if (g.left > 0) {
            int k = placeOn(g, i);
            if (k > 0) {
              got += k;
              first = first == null ? g.what : first;
            }
          }
        }
        if (got > 0) {
          propose(
              i,
              ActionType.UNCORDON,
              "demand returned while draining: " + got + " pods need it (" + first + ")");
        }
      }
    }

    // ---------------------------------------------------------------- stage 2a: carbon

    /**
     * Marks the demand of deferrable workloads that would need a wake, and that may wait for a
     * lower-carbon hour, as deferred. The rule: let {@code latest} be the workload's deadline
     * (waiting since + maxDelay) less the longest boot time of the OFF nodes; if some clock hour
     * starting after now and no later than {@code latest} is forecast at least {@code
     * minReductionPercent} % below the current intensity, wait for the lowest such hour (the
     * earliest of equals). Past {@code latest} nothing is deferred, so the deadline holds.
     */
    private void defer(List<Group> groups) {
      Map<WorkloadRef, DeferralPolicy> deferrable = policy.carbon().deferrable();
      if (deferrable.isEmpty()) {
        return;
      }
      Tariff tariff = in.tariff();
      double nowGrams = tariff.gramsCo2PerKwh(now);
      if (!(nowGrams > 0)) {
        return;
      }
      double threshold = policy.carbon().minReductionPercent();
      double limit = nowGrams * (1 - threshold / 100);
      Duration boot = null;
      for (Group g : groups) {
        DeferralPolicy d = g.owner == null ? null : deferrable.get(g.owner);
        Instant since = g.owner == null ? null : in.waitingSince().get(g.owner);
        if (g.left == 0 || d == null || since == null) {
          continue;
        }
        if (boot == null) {
          boot = longestBoot();
        }
        Instant deadline = since.plus(d.maxDelay());
        Instant latest = deadline.minus(boot);
        Instant best = null;
        double bestGrams = limit;
        for (Instant h = CostBudget.hourStart(now).plus(HOUR);
            !h.isAfter(latest);
            h = h.plus(HOUR)) {
          double grams = tariff.gramsCo2PerKwh(h);
          if (grams <= limit && (best == null || grams < bestGrams)) {
            best = h;
            bestGrams = grams;
          }
        }
        if (best == null) {
          continue;
        }
        g.deferred = true;
        held.add(
            new HeldBack(
                g.owner.toString(),
                ActionType.WAKE,
                String.format(
                    Locale.ROOT,
                    "carbon-aware deferral: %s wait for %s (%.0f g CO2/kWh, %.0f %% below the"
                        + " %.0f g CO2/kWh of now, threshold %.0f %%) instead of waking a node;"
                        + " deadline %s (waiting since %s + maxDelay %d s), latest wake %s for a"
                        + " %d s boot",
                    g.what,
                    best,
                    bestGrams,
                    100 * (1 - bestGrams / nowGrams),
                    nowGrams,
                    threshold,
                    deadline,
                    since,
                    d.maxDelay().toSeconds(),
                    latest,
                    boot.toSeconds())));
      }
    }

    /** The longest boot time among nodes that could be woken, so a deferral suits any of them. */
    private Duration longestBoot() {
      Duration max = Duration.ZERO;
      for (int i = 0; i < n; i++) {
        if (state[i] == NodeLifecycle.OFF && nodes[i].spec().address().managed()) {
          Duration b = nodes[i].spec().power().bootTime();
          max = b.compareTo(max) > 0 ? b : max;
        }
      }
      return max;
    }

    // ---------------------------------------------------------------- stage 2b: budget

    /**
     * The projected cost of waking node {@code i} to draw {@code extraWatts} more, within the
     * current hour window and within the current period: the node is committed for its boot time
     * plus {@code minUptime}, priced hour by hour with the tariff, cut at each window's end.
     */
    private double[] wakeCost(int i, double extraWatts) {
      CostBudget b = policy.budget();
      Instant end = now.plus(nodes[i].spec().power().bootTime()).plus(policy.minUptime());
      Instant hourEnd = CostBudget.hourStart(now).plus(HOUR);
      Instant periodEnd = b.periodStartAt(now).plus(b.period());
      return new double[] {
        cost(extraWatts, now, earliest(end, hourEnd)),
        cost(extraWatts, now, earliest(end, periodEnd))
      };
    }

    private static Instant earliest(Instant a, Instant b) {
      return a.isBefore(b) ? a : b;
    }

    /** Cost of drawing {@code watts} from {@code from} to {@code to}, priced per clock hour. */
    private double cost(double watts, Instant from, Instant to) {
      Tariff t = in.tariff();
      double total = 0;
      Instant a = from;
      while (a.isBefore(to)) {
        Instant b = earliest(CostBudget.hourStart(a).plus(HOUR), to);
        double hours = Duration.between(a, b).toMillis() / 3_600_000.0;
        total += watts / 1000 * hours * t.pue() * t.pricePerKwh(a);
        a = b;
      }
      return total;
    }

    /**
     * Why the cost budget holds back a wake of node {@code i}, or null when the wake fits in every
     * budget. {@code what} names the demand held back.
     */
    private String budgetBlocker(int i, double extraWatts, String what) {
      CostBudget b = policy.budget();
      if (!b.enabled()) {
        return null;
      }
      double[] c = wakeCost(i, extraWatts);
      String cur = in.tariff().currency();
      String name = nodes[i].name();
      if (b.perHour().isPresent() && spentHour + c[0] > b.perHour().getAsDouble()) {
        return String.format(
            Locale.ROOT,
            "cost budget of %.2f %s per hour is spent: %.2f %s spent since %s, waking %s would add"
                + " %.2f %s this hour; held back: %s",
            b.perHour().getAsDouble(),
            cur,
            spentHour,
            cur,
            CostBudget.hourStart(now),
            name,
            c[0],
            cur,
            what);
      }
      if (b.perPeriod().isPresent() && spentPeriod + c[1] > b.perPeriod().getAsDouble()) {
        return String.format(
            Locale.ROOT,
            "cost budget of %.2f %s per %d s period is spent: %.2f %s spent since %s, waking %s"
                + " would add %.2f %s this period; held back: %s",
            b.perPeriod().getAsDouble(),
            cur,
            b.period().toSeconds(),
            spentPeriod,
            cur,
            b.periodStartAt(now),
            name,
            c[1],
            cur,
            what);
      }
      return null;
    }

    // ---------------------------------------------------------------- stage 2c: wakes

    private double costPerCore(int i) {
      NodeSpec s = nodes[i].spec();
      double cores = s.allocatable().cpuMillis() / 1000.0;
      return cores <= 0 ? Double.MAX_VALUE : s.power().idleWatts() / cores;
    }

    private boolean green(int i) {
      return policy.green().isGreen(nodes[i].spec());
    }

    /** The cost candidates are ranked by: a green node's cost times the green weight. */
    private double rankCost(int i) {
      return green(i) ? costPerCore(i) * policy.green().weight() : costPerCore(i);
    }

    private Instant offSince(int i) {
      return recs[i].lastPoweredOff().orElse(recs[i].since());
    }

    /**
     * OFF nodes that could be woken, cheapest first (green nodes' cost weighted), then green ones,
     * then off longest, then by name.
     */
    private List<Integer> wakeCandidates() {
      List<Integer> c = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (state[i] == NodeLifecycle.OFF
            && !inFlight[i]
            && !acted[i]
            && nodes[i].spec().address().managed()) {
          c.add(i);
        }
      }
      c.sort(
          Comparator.comparingLong((Integer i) -> Math.round(rankCost(i) * 100))
              .thenComparing(i -> !green(i))
              .thenComparing(this::offSince)
              .thenComparing(i -> nodes[i].name()));
      return c;
    }

    /** Why this node may not be woken now, or null when it may. Does not check the rate limit. */
    private String wakeBlocker(int i, double extraWatts) {
      NodeRecord r = recs[i];
      String name = nodes[i].name();
      int cycles = Lifecycle.cyclesWithinDay(r, now);
      if (cycles >= policy.maxCyclesPerNodePerDay()) {
        return "node "
            + name
            + " was powered on "
            + cycles
            + " times in 24 h, the per-node cycle limit is "
            + policy.maxCyclesPerNodePerDay();
      }
      Instant retry = Lifecycle.retryAt(policy, r);
      if (r.attempts() > 0 && now.isBefore(retry)) {
        return "node "
            + name
            + " failed to boot ("
            + r.lastError().orElse("?")
            + "); retry at "
            + retry;
      }
      double cap = policy.clusterPowerCapWatts().orElse(Double.POSITIVE_INFINITY);
      if (clusterWatts + extraWatts > cap) {
        return String.format(
            Locale.ROOT,
            "waking %s would raise the cluster's projected draw to %.0f W, above the cap of %.0f W",
            name,
            clusterWatts + extraWatts,
            cap);
      }
      String pool = nodes[i].spec().pool();
      double poolCap = policy.pool(pool).powerCapWatts().orElse(Double.POSITIVE_INFINITY);
      double poolWatts = wattsByPool.getOrDefault(pool, new double[1])[0];
      if (poolWatts + extraWatts > poolCap) {
        return String.format(
            Locale.ROOT,
            "waking %s would raise pool %s's projected draw to %.0f W, above its cap of %.0f W",
            name,
            pool,
            poolWatts + extraWatts,
            poolCap);
      }
      return null;
    }

    private double wakeExtraWatts(int i, long cpu) {
      PowerProfile p = nodes[i].spec().power();
      return Math.max(p.transitionWatts(), p.wattsAt(utilisation(i, cpu))) - p.offWatts();
    }

    private boolean rateLimited(String subject, String why) {
      if (wakesLeft > 0) {
        return false;
      }
      RateLimit r = policy.wakeRate();
      held.add(
          new HeldBack(
              subject,
              ActionType.WAKE,
              "wake rate limit of "
                  + r.count()
                  + " per "
                  + r.window().toSeconds()
                  + " s reached; "
                  + why));
      return true;
    }

    private void commitWake(int i, double extra, String reason) {
      if (policy.budget().enabled()) {
        double[] c = wakeCost(i, extra);
        spentHour += c[0];
        spentPeriod += c[1];
      }
      String pool = nodes[i].spec().pool();
      clusterWatts += extra;
      wattsByPool.computeIfAbsent(pool, k -> new double[1])[0] += extra;
      onByPool.computeIfAbsent(pool, k -> new int[1])[0]++;
      wakesLeft--;
      propose(i, ActionType.WAKE, reason);
    }

    private void wakeForDemand(List<Group> groups) {
      if (groups.stream().noneMatch(g -> g.left > 0 && !g.deferred)) {
        return;
      }
      List<Integer> candidates = wakeCandidates();
      for (int i : candidates) {
        int waiting = 0;
        for (Group g : groups) {
          waiting += g.deferred ? 0 : g.left;
        }
        if (waiting == 0) {
          break;
        }
        // Try the placement on a copy of the node's free amounts; commit only if the wake is
        // allowed.
        long cpu = freeCpu[i];
        long mem = freeMem[i];
        int gpu = freeGpu[i];
        int pods = freePods[i];
        int[] take = new int[groups.size()];
        int total = 0;
        boolean onlyForecast = true;
        boolean exempt = false;
        String first = null;
        for (int gi = 0; gi < groups.size(); gi++) {
          Group g = groups.get(gi);
          if (g.left == 0 || g.deferred) {
            continue;
          }
          Resources q = g.req.requests();
          int k = howMany(q, cpu, mem, gpu, pods, g.left);
          if (k == 0 || !admits(g, i)) {
            continue;
          }
          cpu -= q.cpuMillis() * k;
          mem -= q.memoryBytes() * k;
          gpu -= q.gpus() * k;
          pods -= q.pods() * k;
          take[gi] = k;
          total += k;
          onlyForecast &= g.forecast;
          exempt |= policy.budget().exempt(g.priority);
          first = first == null ? g.what : first;
        }
        if (total == 0) {
          continue;
        }
        String name = nodes[i].name();
        if (rateLimited(name, waiting + " pods still wait for a node")) {
          break;
        }
        long cpuUsed = usedCpu[i] + (freeCpu[i] - cpu);
        double extra = wakeExtraWatts(i, cpuUsed);
        String blocker = wakeBlocker(i, extra);
        if (blocker == null && !exempt) {
          blocker =
              budgetBlocker(
                  i,
                  extra,
                  String.format(
                      Locale.ROOT,
                      "%d pods (%s), none with a priority at or above the exemption threshold %d",
                      total,
                      first,
                      policy.budget().exemptPriority()));
        }
        if (blocker != null) {
          held.add(new HeldBack(name, ActionType.WAKE, blocker));
          continue;
        }
        for (int gi = 0; gi < groups.size(); gi++) {
          groups.get(gi).left -= take[gi];
        }
        placed[i] += total;
        usedCpu[i] = cpuUsed;
        freeCpu[i] = cpu;
        freeMem[i] = mem;
        freeGpu[i] = gpu;
        freePods[i] = pods;
        String reason =
            String.format(
                Locale.ROOT,
                "%d %spods do not fit on active or booting nodes (%s); %s takes %d of them and is"
                    + " the cheapest candidate at %.1f W per core%s",
                waiting,
                onlyForecast ? "forecast " : "",
                first,
                name,
                total,
                costPerCore(i),
                green(i)
                    ? String.format(
                        Locale.ROOT,
                        " (green, %s: ranked at %.1f)",
                        policy.green().label(),
                        rankCost(i))
                    : "");
        commitWake(i, extra, reason);
      }
      for (Group g : groups) {
        if (g.left > 0 && !g.deferred) {
          held.add(
              new HeldBack(
                  g.what,
                  ActionType.WAKE,
                  g.left
                      + " pods ("
                      + describe(g.req.requests())
                      + " each) fit on no node that may be woken now"));
        }
      }
    }

    private void warmReserve() {
      Map<String, List<Integer>> offByPool = null;
      for (Map.Entry<String, PoolPolicy> e : policy.pools().entrySet()) {
        int reserve = e.getValue().warmReserve();
        String pool = e.getKey();
        int on = onByPool.getOrDefault(pool, new int[1])[0];
        if (on >= reserve) {
          continue;
        }
        if (offByPool == null) {
          offByPool = new HashMap<>();
          for (int i : wakeCandidates()) {
            offByPool.computeIfAbsent(nodes[i].spec().pool(), k -> new ArrayList<>()).add(i);
          }
        }
        for (int i : offByPool.getOrDefault(pool, List.of())) {
          if (on >= reserve) {
            break;
          }
          if (acted[i]) {
            continue;
          }
          String name = nodes[i].name();
          String why = "pool " + pool + " has " + on + " nodes on, its warm reserve is " + reserve;
          if (rateLimited(name, why)) {
            return;
          }
          double extra = wakeExtraWatts(i, 0);
          String blocker = wakeBlocker(i, extra);
          if (blocker == null) {
            blocker = budgetBlocker(i, extra, "warm reserve (" + why + ")");
          }
          if (blocker != null) {
            held.add(new HeldBack(name, ActionType.WAKE, blocker));
            continue;
          }
          commitWake(i, extra, "warm reserve: " + why);
          on++;
        }
      }
    }

    private void maxOff() {
      Optional<Duration> max = policy.maxPoweredOffDuration();
      if (max.isEmpty()) {
        return;
      }
      for (int i : wakeCandidates()) {
        Instant since = offSince(i);
        Duration off = Duration.between(since, now);
        if (off.compareTo(max.get()) < 0) {
          continue;
        }
        String name = nodes[i].name();
        String why =
            "node "
                + name
                + " has been off since "
                + since
                + ", longer than maxPoweredOffDuration "
                + max.get()
                + " (patching, disk health)";
        if (rateLimited(name, why)) {
          return;
        }
        double extra = wakeExtraWatts(i, 0);
        String blocker = wakeBlocker(i, extra);
        if (blocker != null) {
          held.add(new HeldBack(name, ActionType.WAKE, blocker));
          continue;
        }
        commitWake(i, extra, why);
      }
    }

    // ---------------------------------------------------------------- stage 3: scale-down

    private void scaleDown() {
      List<Integer> idle = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (acted[i] || inFlight[i]) {
          continue;
        }
        if (state[i] == NodeLifecycle.DRAINING) {
          draining(i);
        } else if (state[i] == NodeLifecycle.ACTIVE
            && !work[i]
            && placed[i] == 0
            && nodes[i].spec().powerManageable()
            && in.emptySince().containsKey(nodes[i].name())) {
          idle.add(i);
        }
      }
      idle.sort(Comparator.comparing((Integer i) -> in.emptySince().get(nodes[i].name())));
      for (int i : idle) {
        considerDrain(i);
      }
    }

    private void considerDrain(int i) {
      ClusterNode cn = nodes[i];
      String name = cn.name();
      NodeRecord r = recs[i];
      Instant empty = in.emptySince().get(name);
      PoolPolicy pp = policy.pool(cn.spec().pool());
      Duration grace = pp.idleGrace().orElse(cn.spec().power().breakEven());
      Duration idleFor = Duration.between(empty, now);
      if (idleFor.compareTo(grace) < 0) {
        return;
      }
      String idleWhy =
          "node "
              + name
              + " has been empty of work for "
              + idleFor.toSeconds()
              + " s (idle grace "
              + grace.toSeconds()
              + " s";
      idleWhy += pp.idleGrace().isPresent() ? ", pool setting)" : ", its energy break-even time)";
      if (!r.powerOns().isEmpty()) {
        Instant up = r.powerOns().get(r.powerOns().size() - 1);
        Instant until = up.plus(policy.minUptime());
        if (now.isBefore(until)) {
          held.add(
              new HeldBack(
                  name,
                  ActionType.DRAIN,
                  idleWhy
                      + ", but it stays on until "
                      + until
                      + " (minUptime "
                      + policy.minUptime().toSeconds()
                      + " s)"));
          return;
        }
      }
      int cycles = Lifecycle.cyclesWithinDay(r, now);
      if (cycles >= policy.maxCyclesPerNodePerDay()) {
        held.add(
            new HeldBack(
                name,
                ActionType.DRAIN,
                idleWhy
                    + ", but it was powered on "
                    + cycles
                    + " times in 24 h (cycle limit "
                    + policy.maxCyclesPerNodePerDay()
                    + ") and could not be woken again"));
        return;
      }
      String pool = cn.spec().pool();
      int[] on = onByPool.computeIfAbsent(pool, k -> new int[1]);
      if (on[0] - 1 < pp.warmReserve()) {
        held.add(
            new HeldBack(
                name,
                ActionType.DRAIN,
                idleWhy + ", but pool " + pool + " keeps a warm reserve of " + pp.warmReserve()));
        return;
      }
      if (suspendsLeft <= 0) {
        RateLimit l = policy.suspendRate();
        held.add(
            new HeldBack(
                name,
                ActionType.DRAIN,
                idleWhy
                    + ", but the suspend rate limit of "
                    + l.count()
                    + " per "
                    + l.window().toSeconds()
                    + " s is reached"));
        return;
      }
      suspendsLeft--;
      on[0]--;
      propose(i, ActionType.DRAIN, idleWhy + " and no demand or forecast needs it");
    }

    private void draining(int i) {
      NodeRecord r = recs[i];
      String name = nodes[i].name();
      String pool = nodes[i].spec().pool();
      int minActive = policy.pool(pool).minActive();
      if (work[i]) {
        Instant deadline = r.since().plus(policy.drainTimeout());
        if (r.attempts() > 0 || !now.isBefore(deadline)) {
          propose(
              i,
              ActionType.UNCORDON,
              "drain of "
                  + name
                  + " did not complete within drainTimeout "
                  + policy.drainTimeout().toSeconds()
                  + " s ("
                  + r.lastError().orElse("workload pods remain")
                  + "): giving the node back");
        }
        return;
      }
      int active = countActive(pool);
      if (active < minActive) {
        propose(
            i,
            ActionType.UNCORDON,
            "pool " + pool + " has " + active + " ACTIVE nodes, below its minActive " + minActive);
        return;
      }
      Instant retry = Lifecycle.retryAt(policy, r);
      if (r.attempts() > 0 && now.isBefore(retry)) {
        held.add(
            new HeldBack(
                name,
                ActionType.POWER_OFF,
                "power-off failed (" + r.lastError().orElse("?") + "); retry at " + retry));
        return;
      }
      propose(i, ActionType.POWER_OFF, "drain of " + name + " finished: no workload pods left");
    }

    private int countActive(String pool) {
      int[] c = activeByPool.get(pool);
      return c == null ? 0 : c[0];
    }

    private void housekeeping() {
      for (int i = 0; i < n; i++) {
        if (acted[i] || inFlight[i]) {
          continue;
        }
        String name = nodes[i].name();
        switch (state[i]) {
          case BOOTING:
            if (nodes[i].ready() && nodes[i].cordoned()) {
              propose(i, ActionType.UNCORDON, "node " + name + " is Ready after boot");
            }
            break;
          case UNKNOWN:
            propose(
                i,
                ActionType.PROBE,
                "state of node " + name + " is unknown: reading it before acting");
            break;
          case FAILED:
            NodeRecord r = recs[i];
            Instant at = r.since().plus(Lifecycle.backoff(policy, Math.max(1, r.attempts())));
            if (!now.isBefore(at)) {
              propose(
                  i,
                  ActionType.PROBE,
                  "node "
                      + name
                      + " quarantined since "
                      + r.since()
                      + " ("
                      + r.lastError().orElse("failed")
                      + "): re-probing");
            }
            break;
          default:
            break;
        }
      }
    }

    private void propose(int i, ActionType type, String reason) {
      acted[i] = true;
      proposed.add(new PlannedAction(nodes[i].name(), type, reason));
    }
  }

  /** Resources in words: {@code 2000m CPU, 4.0 GiB, 1 GPU}. */
  static String describe(Resources r) {
    StringBuilder b = new StringBuilder();
    b.append(r.cpuMillis()).append("m CPU, ");
    b.append(String.format(Locale.ROOT, "%.1f GiB", r.memoryBytes() / (1024.0 * 1024 * 1024)));
    if (r.gpus() > 0) {
      b.append(", ").append(r.gpus()).append(" GPU");
    }
    return b.toString();
  }
}
