package io.ecokube.replay.sim;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.plan.EngineListener;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.core.energy.EnergyLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ReplayRun} follows per node, by index: the cores its pods use (passed on to the
 * ledger as utilisation), its lifecycle as the engine reports it, when it went empty, when its last
 * boot ends, its power cycles, and the recent wakes and power-offs that rate limits count. The
 * fast-forward reads these to tell when the engine's decision can next change.
 */
final class ReplayNodes implements EngineListener {
  private final List<NodeSpec> specs;
  private final Instant start;
  private final long bootMs;
  private final double coreMillisPerNode;
  private final EnergyLedger ledger;
  private final Runnable changed;
  private final Map<String, Integer> index = new HashMap<>();
  private final long[] busyMillis;
  private final boolean[] on;
  private final long[] bootEndsMs;
  private final int[] cycles;
  private final NodeLifecycle[] lifecycle;
  private final long[] emptySinceMs;
  private final ArrayDeque<Long> wakesMs = new ArrayDeque<>();
  private final ArrayDeque<Long> suspendsMs = new ArrayDeque<>();
  private int nodesOn;

  /**
   * @param changed told of every lifecycle transition (the decision may change)
   */
  ReplayNodes(
      List<NodeSpec> specs,
      boolean startOn,
      Instant start,
      Duration bootTime,
      int coresPerNode,
      EnergyLedger ledger,
      Runnable changed) {
    this.specs = specs;
    this.start = start;
    this.bootMs = bootTime.toMillis();
    this.coreMillisPerNode = coresPerNode * 1000.0;
    this.ledger = ledger;
    this.changed = changed;
    int n = specs.size();
    busyMillis = new long[n];
    on = new boolean[n];
    bootEndsMs = new long[n];
    cycles = new int[n];
    lifecycle = new NodeLifecycle[n];
    emptySinceMs = new long[n];
    for (int i = 0; i < n; i++) {
      index.put(specs.get(i).name(), i);
      on[i] = startOn;
      lifecycle[i] = NodeLifecycle.UNKNOWN;
      emptySinceMs[i] = -1;
      bootEndsMs[i] = Long.MIN_VALUE;
    }
    nodesOn = startOn ? n : 0;
  }

  int size() {
    return specs.size();
  }

  NodeSpec spec(int node) {
    return specs.get(node);
  }

  int index(String name) {
    return index.get(name);
  }

  long busyMillis(int node) {
    return busyMillis[node];
  }

  /** Adds (or with a negative amount removes) cores in use on a node, and tells the ledger. */
  void addBusy(int node, long cpuMillis) {
    busyMillis[node] += cpuMillis;
    ledger.utilisation(specs.get(node).name(), Math.max(0, busyMillis[node]) / coreMillisPerNode);
  }

  long bootEndsMs(int node) {
    return bootEndsMs[node];
  }

  NodeLifecycle lifecycle(int node) {
    return lifecycle[node];
  }

  /** Since when the node has been empty and ACTIVE, as the engine sees it; -1 when it is not. */
  long emptySinceMs(int node) {
    return emptySinceMs[node];
  }

  int nodesOn() {
    return nodesOn;
  }

  int[] cycles() {
    return cycles;
  }

  /** Whether every node is settled (ACTIVE or OFF): nothing in motion. */
  boolean settled() {
    for (NodeLifecycle l : lifecycle) {
      if (l != NodeLifecycle.ACTIVE && l != NodeLifecycle.OFF) {
        return false;
      }
    }
    return true;
  }

  /**
   * Mirrors the engine's own idle clock after a reconcile: a node is empty since the first
   * reconcile that saw it ACTIVE without work.
   */
  void reconciled(long now) {
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

  /** When the oldest wake still in the wake-rate window leaves it. */
  long wakeWindowEnd(Duration window, long now) {
    return windowEnd(wakesMs, window, now);
  }

  /** When the oldest power-off still in the suspend-rate window leaves it. */
  long suspendWindowEnd(Duration window, long now) {
    return windowEnd(suspendsMs, window, now);
  }

  /** When the oldest action still in a rate-limit window leaves it; forgets those gone. */
  private static long windowEnd(ArrayDeque<Long> times, Duration window, long now) {
    long w = window.toMillis();
    while (!times.isEmpty() && times.peekFirst() + w <= now) {
      times.removeFirst();
    }
    return times.isEmpty() ? Long.MAX_VALUE : times.peekFirst() + w;
  }

  /** Counts power cycles and nodes on, and when each boot ends. */
  @Override
  public void onTransition(NodeTransition t) {
    Integer i = index.get(t.node());
    if (i == null) {
      return;
    }
    changed.run();
    lifecycle[i] = t.to();
    long at = t.at().toEpochMilli() - start.toEpochMilli();
    if (t.to() == NodeLifecycle.DRAINING && t.from() == NodeLifecycle.ACTIVE) {
      suspendsMs.addLast(at);
    }
    if (t.to() == NodeLifecycle.BOOTING) {
      wakesMs.addLast(at);
      cycles[i]++;
      bootEndsMs[i] = at + bootMs;
    }
    boolean isOn = t.to() != NodeLifecycle.OFF;
    if (isOn != on[i]) {
      on[i] = isOn;
      nodesOn += isOn ? 1 : -1;
    }
  }
}
