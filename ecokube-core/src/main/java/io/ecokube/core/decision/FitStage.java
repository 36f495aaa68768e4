package io.ecokube.core.decision;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.Resources;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.core.decision.rank.PendingPods;
import io.ecokube.core.decision.rank.WakeCandidate;
import io.ecokube.core.decision.rank.WakeContext;
import io.ecokube.core.decision.rank.WakeRanker;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Stage 2, fit: places the demand, first-fit, on ACTIVE (uncordoned) and BOOTING nodes, honouring
 * resources, node selectors, required affinity and taints; nodes already running work come first
 * and the longest-idle nodes last, so idle nodes stay free to be powered off. What does not fit
 * brings back a DRAINING node (UNCORDON), then, unless it is deferred for a lower-carbon hour
 * ({@link CarbonDeferral}), wakes OFF nodes in the order of the policy's {@link WakeRanker}, as far
 * as {@link WakeLimits} allow (demand of a priority exempt from the cost budget is not budgeted).
 * Pools below their warm reserve (budgeted), and nodes off longer than {@code
 * maxPoweredOffDuration} (not budgeted: maintenance), are woken too.
 */
final class FitStage {

  /**
   * What the stage reads; it books placements and wakes into {@code table} and counts the groups
   * down.
   *
   * @param in the decision input
   * @param table the step's nodes
   * @param groups the demand, from {@link DemandStage}
   * @param ranker the order OFF nodes are woken in
   */
  record Input(DecisionInput in, NodeTable table, List<PodGroup> groups, WakeRanker ranker) {
    Input {
      Objects.requireNonNull(in, "in");
      Objects.requireNonNull(table, "table");
      groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
      Objects.requireNonNull(ranker, "ranker");
    }
  }

  /**
   * What the stage proposes and what it held back, in the order decided.
   *
   * @param proposed UNCORDON of draining nodes and WAKE of OFF nodes
   * @param held demand or wakes held back, each with the reason
   */
  record Output(List<PlannedAction> proposed, List<HeldBack> held) {
    Output {
      proposed = List.copyOf(Objects.requireNonNull(proposed, "proposed"));
      held = List.copyOf(Objects.requireNonNull(held, "held"));
    }
  }

  private final DecisionInput in;
  private final NodeTable t;
  private final EnginePolicy policy;
  private final Instant now;
  private final List<PodGroup> groups;
  private final WakeRanker ranker;
  private final WakeLimits limits;
  private final List<PlannedAction> proposed = new ArrayList<>();
  private final List<HeldBack> held = new ArrayList<>();
  private final Map<SchedulingRequirements, byte[]> admitCache = new HashMap<>();

  private FitStage(Input input) {
    this.in = input.in();
    this.t = input.table();
    this.policy = in.policy();
    this.now = in.now();
    this.groups = input.groups();
    this.ranker = input.ranker();
    this.limits = new WakeLimits(in, t);
  }

  static Output run(Input input) {
    FitStage s = new FitStage(input);
    s.place();
    CarbonDeferral.defer(s.in, s.t, s.groups, s.held);
    s.wakeForDemand();
    s.warmReserve();
    s.maxOff();
    return new Output(s.proposed, s.held);
  }

  // ---------------------------------------------------------------- placement

  private boolean admits(PodGroup g, int i) {
    if (g.admits == null) {
      g.admits = admitCache.computeIfAbsent(g.req, k -> new byte[t.n]);
    }
    byte b = g.admits[i];
    if (b == 0) {
      b = g.req.admits(t.nodes[i].spec()) ? (byte) 1 : (byte) 2;
      g.admits[i] = b;
    }
    return b == 1;
  }

  /** How many pods of the group fit in the given free amounts (at most {@code cap}). */
  static int howMany(Resources q, long cpu, long mem, int gpu, int pods, int cap) {
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

  private int placeOn(PodGroup g, int i) {
    Resources q = g.req.requests();
    int k = howMany(q, t.freeCpu[i], t.freeMem[i], t.freeGpu[i], t.freePods[i], g.left);
    if (k == 0 || !admits(g, i)) {
      return 0;
    }
    t.freeCpu[i] -= q.cpuMillis() * k;
    t.freeMem[i] -= q.memoryBytes() * k;
    t.freeGpu[i] -= q.gpus() * k;
    t.freePods[i] -= q.pods() * k;
    t.usedCpu[i] += q.cpuMillis() * k;
    t.placed[i] += k;
    g.left -= k;
    return k;
  }

  private void place() {
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
    for (int i = 0; i < t.n; i++) {
      if (t.state[i] == NodeLifecycle.BOOTING) {
        booting.add(i);
      } else if (t.state[i] == NodeLifecycle.ACTIVE && !t.nodes[i].cordoned()) {
        (t.work[i] ? busy : idle).add(i);
      } else {
        continue;
      }
      maxCpu = Math.max(maxCpu, t.freeCpu[i]);
      maxMem = Math.max(maxMem, t.freeMem[i]);
      maxGpu = Math.max(maxGpu, t.freeGpu[i]);
      maxPods = Math.max(maxPods, t.freePods[i]);
    }
    idle.sort(
        Comparator.comparing((Integer i) -> in.emptySince().getOrDefault(t.nodes[i].name(), now))
            .reversed());
    int[] order = new int[busy.size() + booting.size() + idle.size()];
    int o = 0;
    for (List<Integer> l : List.of(busy, booting, idle)) {
      for (int i : l) {
        order[o++] = i;
      }
    }
    // Only nodes that may admit a group and still have room are visited: O(groups x candidates).
    NodeIndex index = new NodeIndex(t, order, groups);
    for (PodGroup g : groups) {
      Resources q = g.req.requests();
      // Free amounts only shrink while placing, so the maxima stay upper bounds: a group larger
      // than any node's free amount is skipped without a scan.
      if (q.cpuMillis() > maxCpu
          || q.memoryBytes() > maxMem
          || q.gpus() > maxGpu
          || q.pods() > maxPods) {
        continue;
      }
      BitSet candidates = index.candidates(g.req);
      for (int k = candidates.nextSetBit(0);
          k >= 0 && g.left > 0;
          k = candidates.nextSetBit(k + 1)) {
        if (placeOn(g, order[k]) > 0) {
          index.refresh(k);
        }
      }
    }
    // Demand that still does not fit brings DRAINING nodes back before any node is woken.
    for (int i = 0; i < t.n; i++) {
      if (t.state[i] != NodeLifecycle.DRAINING || !t.free(i)) {
        continue;
      }
      int got = 0;
      String first = null;
      for (PodGroup g : groups) {
        if (g.left > 0) {
          int k = placeOn(g, i);
          if (k > 0) {
            got += k;
            first = first == null ? g.what : first;
          }
        }
      }
      if (got > 0) {
        t.propose(
            i,
            ActionType.UNCORDON,
            "demand returned while draining: " + got + " pods need it (" + first + ")",
            proposed);
      }
    }
  }

  // ---------------------------------------------------------------- wakes

  /** The pods still waiting for a wake, for the ranker. */
  private List<PendingPods> pending() {
    List<PendingPods> out = new ArrayList<>();
    for (PodGroup g : groups) {
      if (g.waiting() > 0) {
        out.add(new PendingPods(g.req, g.waiting()));
      }
    }
    return out;
  }

  /** A wake candidate: the node's index in the table and the ranker's view of it. */
  private record Candidate(int node, WakeCandidate view) {}

  /** OFF nodes that could be woken, in the ranker's order. */
  private List<Candidate> wakeCandidates(WakeContext ctx) {
    List<WakeCandidate> list = new ArrayList<>();
    Map<WakeCandidate, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < t.n; i++) {
      if (t.state[i] == NodeLifecycle.OFF && t.free(i) && t.nodes[i].spec().address().managed()) {
        WakeCandidate c =
            new WakeCandidate(
                t.nodes[i].spec(),
                t.offSince(i),
                new Resources(
                    Math.max(0, t.freeCpu[i]),
                    Math.max(0, t.freeMem[i]),
                    Math.max(0, t.freeGpu[i]),
                    Math.max(0, t.freePods[i])));
        list.add(c);
        index.put(c, i);
      }
    }
    if (list.isEmpty()) {
      return List.of();
    }
    List<WakeCandidate> ranked = ranker.rank(List.copyOf(list), ctx);
    List<Candidate> out = new ArrayList<>(ranked.size());
    for (WakeCandidate c : ranked) {
      Integer i = index.remove(c);
      if (i == null) {
        throw new IllegalStateException(
            "wake ranker '" + ranker.name() + "' returned a candidate it was not given, or twice");
      }
      out.add(new Candidate(i, c));
    }
    if (!index.isEmpty()) {
      throw new IllegalStateException(
          "wake ranker '" + ranker.name() + "' dropped " + index.size() + " candidates");
    }
    return out;
  }

  private WakeContext context(List<PendingPods> pending) {
    return new WakeContext(now, policy, in.tariff(), pending);
  }

  private void wakeForDemand() {
    if (groups.stream().noneMatch(g -> g.waiting() > 0)) {
      return;
    }
    WakeContext ctx = context(pending());
    for (Candidate c : wakeCandidates(ctx)) {
      int i = c.node();
      int waiting = 0;
      for (PodGroup g : groups) {
        waiting += g.waiting();
      }
      if (waiting == 0) {
        break;
      }
      // Try the placement on a copy of the node's free amounts; commit only if the wake is allowed.
      long cpu = t.freeCpu[i];
      long mem = t.freeMem[i];
      int gpu = t.freeGpu[i];
      int pods = t.freePods[i];
      int[] take = new int[groups.size()];
      int total = 0;
      boolean onlyForecast = true;
      boolean exempt = false;
      String first = null;
      for (int gi = 0; gi < groups.size(); gi++) {
        PodGroup g = groups.get(gi);
        if (g.waiting() == 0) {
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
      String name = t.nodes[i].name();
      if (limits.rateLimited(name, waiting + " pods still wait for a node", held)) {
        break;
      }
      long cpuUsed = t.usedCpu[i] + (t.freeCpu[i] - cpu);
      double extra = limits.extraWatts(i, cpuUsed);
      Optional<String> blocker = limits.blocker(i, extra);
      if (blocker.isEmpty() && !exempt) {
        blocker =
            limits.budgetBlocker(
                i,
                extra,
                String.format(
                    Locale.ROOT,
                    "%d pods (%s), none with a priority at or above the exemption threshold %d",
                    total,
                    first,
                    policy.budget().exemptPriority()));
      }
      if (blocker.isPresent()) {
        held.add(new HeldBack(name, ActionType.WAKE, blocker.get()));
        continue;
      }
      for (int gi = 0; gi < groups.size(); gi++) {
        groups.get(gi).left -= take[gi];
      }
      t.placed[i] += total;
      t.usedCpu[i] = cpuUsed;
      t.freeCpu[i] = cpu;
      t.freeMem[i] = mem;
      t.freeGpu[i] = gpu;
      t.freePods[i] = pods;
      String reason =
          String.format(
              Locale.ROOT,
              "%d %spods do not fit on active or booting nodes (%s); %s takes %d of them and is %s",
              waiting,
              onlyForecast ? "forecast " : "",
              first,
              name,
              total,
              ranker.explain(c.view(), ctx));
      commitWake(i, extra, reason);
    }
    for (PodGroup g : groups) {
      if (g.waiting() > 0) {
        held.add(
            new HeldBack(
                g.what,
                ActionType.WAKE,
                g.left
                    + " pods ("
                    + Decider.describe(g.req.requests())
                    + " each) fit on no node that may be woken now"));
      }
    }
  }

  private void commitWake(int i, double extra, String reason) {
    limits.commit(i, extra);
    t.propose(i, ActionType.WAKE, reason, proposed);
  }

  private void warmReserve() {
    Map<String, List<Integer>> offByPool = null;
    for (Map.Entry<String, PoolPolicy> e : policy.pools().entrySet()) {
      int reserve = e.getValue().warmReserve();
      String pool = e.getKey();
      int on = t.onIn(pool)[0];
      if (on >= reserve) {
        continue;
      }
      if (offByPool == null) {
        offByPool = new HashMap<>();
        for (Candidate c : wakeCandidates(context(List.of()))) {
          offByPool.computeIfAbsent(c.view().node().pool(), k -> new ArrayList<>()).add(c.node());
        }
      }
      for (int i : offByPool.getOrDefault(pool, List.of())) {
        if (on >= reserve) {
          break;
        }
        if (t.acted[i]) {
          continue;
        }
        String name = t.nodes[i].name();
        String why = "pool " + pool + " has " + on + " nodes on, its warm reserve is " + reserve;
        if (limits.rateLimited(name, why, held)) {
          return;
        }
        double extra = limits.extraWatts(i, 0);
        Optional<String> blocker = limits.blocker(i, extra);
        if (blocker.isEmpty()) {
          blocker = limits.budgetBlocker(i, extra, "warm reserve (" + why + ")");
        }
        if (blocker.isPresent()) {
          held.add(new HeldBack(name, ActionType.WAKE, blocker.get()));
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
    for (Candidate c : wakeCandidates(context(List.of()))) {
      int i = c.node();
      Instant since = t.offSince(i);
      Duration off = Duration.between(since, now);
      if (off.compareTo(max.get()) < 0) {
        continue;
      }
      String name = t.nodes[i].name();
      String why =
          "node "
              + name
              + " has been off since "
              + since
              + ", longer than maxPoweredOffDuration "
              + max.get()
              + " (patching, disk health)";
      if (limits.rateLimited(name, why, held)) {
        return;
      }
      double extra = limits.extraWatts(i, 0);
      Optional<String> blocker = limits.blocker(i, extra);
      if (blocker.isPresent()) {
        held.add(new HeldBack(name, ActionType.WAKE, blocker.get()));
        continue;
      }
      commitWake(i, extra, why);
    }
  }
}
