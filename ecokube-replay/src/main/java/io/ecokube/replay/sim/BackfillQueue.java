package io.ecokube.replay.sim;

import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.sim.cluster.PodScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The replay's batch queue: first come first served with EASY backfilling, the discipline of
 * Slurm's backfill scheduler. Jobs start whole (all their waiting pods at once, first fit over the
 * Ready nodes) in submit order. When the oldest waiting job does not fit, it gets a reservation at
 * the earliest time it would fit (its shadow time), counting running pods ending at their run times
 * (the trace's actual run times stand in for users' estimates, which the traces lack), booting
 * nodes at the end of their boot and every other node one boot (plus a shutdown when it is going
 * down) from now, as if woken for it. A later job may start before it (backfill) only if it fits
 * now and either ends by the shadow time or leaves the reserved resources alone. Without this, the
 * in-memory scheduler's greedy first fit lets a stream of small jobs starve a job that needs whole
 * nodes for hours, so waits would measure the scheduler rather than the power policy.
 *
 * <p>The queue places jobs when the replay asks it to look after something changed (a job arrived
 * or ended, a node changed state), as a batch scheduler runs on events; the engine's own looks at
 * the cluster bind nothing, so how often the engine looks (the replay's fast-forwarding) changes
 * nothing. At most {@link #MAX_BACKFILL_TESTS} jobs behind the first are tried per pass, a bound
 * like Slurm's {@code bf_max_job_test}.
 */
final class BackfillQueue implements PodScheduler {
  /** Queued jobs tried for backfilling per pass. */
  static final int MAX_BACKFILL_TESTS = 100;

  private final PodPlan plan;
  private final ReplayNodes nodes;
  private final Map<String, Integer> podByName;
  private final IntFunction<String> podName;
  private final long startMs;
  private final long bootMs;
  private final long shutdownMs;
  private final long[] podEndMs;
  private final int[] podNode;
  private final List<Integer> running = new ArrayList<>();
  private boolean looking;
  private boolean changed = true;

  /**
   * @param podByName the pod index of each pod name in the cluster
   * @param podName the name in the cluster of a pod index
   */
  BackfillQueue(
      PodPlan plan,
      ReplayNodes nodes,
      Map<String, Integer> podByName,
      IntFunction<String> podName,
      Instant start,
      long bootMs,
      long shutdownMs) {
    this.plan = plan;
    this.nodes = nodes;
    this.podByName = podByName;
    this.podName = podName;
    this.startMs = start.toEpochMilli();
    this.bootMs = bootMs;
    this.shutdownMs = shutdownMs;
    podEndMs = new long[plan.pods];
    podNode = new int[plan.pods];
    Arrays.fill(podEndMs, -1);
  }

  /**
   * Lets the queue bind pods during {@code refresh} when something changed since it last looked.
   * Other looks at the cluster (the engine's snapshots) bind nothing, so the queue runs at the same
   * instants however often the engine looks.
   */
  void look(Runnable refresh) {
    if (!changed) {
      return;
    }
    changed = false;
    looking = true;
    try {
      refresh.run();
    } finally {
      looking = false;
    }
  }

  /** Something the queue depends on changed: the next look places again. */
  void changed() {
    changed = true;
  }

  void started(int p, int node, long endMs) {
    podEndMs[p] = endMs;
    podNode[p] = node;
    // Not a change: the pass that bound it already tried every job it could.
    running.add(p);
  }

  void stopped(int p) {
    if (podEndMs[p] >= 0) {
      podEndMs[p] = -1;
      running.remove(Integer.valueOf(p));
    }
    changed = true;
  }

  @Override
  public Map<String, String> place(
      List<PodInfo> waiting, List<NodeSpec> open, Map<String, Resources> used, Instant now) {
    if (!looking) {
      return Map.of();
    }
    long nowMs = now.toEpochMilli() - startMs;
    TreeMap<Integer, List<Integer>> queue = new TreeMap<>();
    for (PodInfo pod : waiting) {
      Integer p = podByName.get(pod.name());
      if (p != null) {
        queue.computeIfAbsent(plan.podJob[p], j -> new ArrayList<>()).add(p);
      }
    }
    Resources[] free = new Resources[nodes.size()];
    for (NodeSpec s : open) {
      free[nodes.index(s.name())] =
          s.allocatable().minusFloored(used.getOrDefault(s.name(), Resources.ZERO));
    }
    Map<String, String> chosen = new HashMap<>();
    Iterator<List<Integer>> it = queue.values().iterator();
    List<Integer> head = null;
    while (it.hasNext()) {
      List<Integer> job = it.next();
      int[] at = fit(job, free);
      if (at == null) {
        head = job;
        break;
      }
      bind(job, at, free, chosen);
    }
    if (head == null) {
      return chosen;
    }
    Reservation r = reserve(head, free, nowMs);
    for (int tested = 0; it.hasNext() && tested < MAX_BACKFILL_TESTS; tested++) {
      List<Integer> job = it.next();
      int[] at = fit(job, free);
      if (at == null) {
        continue;
      }
      boolean endsInTime = nowMs + plan.podRuntimeMs[job.get(0)] <= r.shadowMs;
      if (endsInTime || r.spares(job, at)) {
        bind(job, at, free, chosen);
      }
    }
    return chosen;
  }

  private Resources request(int p) {
    return new Resources(plan.podCpuMillis[p], plan.podMemBytes[p], 0, 1);
  }

  /** First fit of every pod of a job on the given room; null when one does not fit. */
  private int[] fit(List<Integer> job, Resources[] room) {
    Resources[] left = room.clone();
    int[] at = new int[job.size()];
    for (int q = 0; q < job.size(); q++) {
      Resources req = request(job.get(q));
      at[q] = -1;
      for (int i = 0; i < left.length; i++) {
        if (left[i] != null && req.fitsIn(left[i])) {
          left[i] = left[i].minusFloored(req);
          at[q] = i;
          break;
        }
      }
      if (at[q] < 0) {
        return null;
      }
    }
    return at;
  }

  private void bind(List<Integer> job, int[] at, Resources[] free, Map<String, String> chosen) {
    for (int q = 0; q < job.size(); q++) {
      int p = job.get(q);
      free[at[q]] = free[at[q]].minusFloored(request(p));
      chosen.put("replay/" + podName.apply(p), nodes.spec(at[q]).name());
    }
  }

  /**
   * The head job's reservation: the earliest time it fits as running pods end and nodes that are
   * not Ready become Ready, and what is left at that time once it is placed.
   */
  private Reservation reserve(List<Integer> head, Resources[] free, long nowMs) {
    int n = free.length;
    Resources[] room = new Resources[n];
    List<long[]> releases = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (free[i] != null) {
        room[i] = free[i];
      } else {
        room[i] = Resources.ZERO;
        NodeLifecycle l = nodes.lifecycle(i);
        long ready =
            switch (l) {
              case BOOTING -> Math.max(nowMs, nodes.bootEndsMs(i));
              case DRAINING, SHUTTING_DOWN -> nowMs + shutdownMs + bootMs;
              default -> nowMs + bootMs;
            };
        releases.add(new long[] {ready, i, -1});
      }
    }
    for (int p : running) {
      if (free[podNode[p]] != null) {
        releases.add(new long[] {podEndMs[p], podNode[p], p});
      }
    }
    releases.sort((a, b) -> Long.compare(a[0], b[0]));
    long headCpu = 0;
    for (int p : head) {
      headCpu += plan.podCpuMillis[p];
    }
    for (int k = 0; k < releases.size(); ) {
      long t = releases.get(k)[0];
      for (; k < releases.size() && releases.get(k)[0] == t; k++) {
        long[] e = releases.get(k);
        int i = (int) e[1];
        room[i] = e[2] < 0 ? nodes.spec(i).allocatable() : room[i].plus(request((int) e[2]));
      }
      long cpu = 0;
      for (Resources r : room) {
        cpu += r.cpuMillis();
      }
      if (cpu < headCpu) {
        continue;
      }
      int[] at = fit(head, room);
      if (at != null) {
        for (int q = 0; q < head.size(); q++) {
          room[at[q]] = room[at[q]].minusFloored(request(head.get(q)));
        }
        return new Reservation(t, room);
      }
    }
    // It fits nowhere even on the whole cluster: nothing to protect.
    return new Reservation(Long.MAX_VALUE, null);
  }

  /** The head job's shadow time and the room left then. */
  private final class Reservation {
    final long shadowMs;
    final Resources[] left;

    Reservation(long shadowMs, Resources[] left) {
      this.shadowMs = shadowMs;
      this.left = left;
    }

    /** Whether a job placed at {@code at} leaves the head's reserved room alone; takes it if so. */
    boolean spares(List<Integer> job, int[] at) {
      if (left == null) {
        return true;
      }
      Resources[] after = left.clone();
      for (int q = 0; q < job.size(); q++) {
        Resources req = request(job.get(q));
        if (!req.fitsIn(after[at[q]])) {
          return false;
        }
        after[at[q]] = after[at[q]].minusFloored(req);
      }
      System.arraycopy(after, 0, left, 0, left.length);
      return true;
    }
  }
}
