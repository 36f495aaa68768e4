package io.ecokube.sim.cluster;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.ClusterView;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A cluster that lives in memory, on a {@link Clock}: nodes backed by {@link SimulatedMachine}s,
 * pods, a small scheduler and scalable workloads. It is the {@link ClusterView}, {@link
 * ClusterActuator} and {@link WorkloadScaler} of tests, the simulator and the demo.
 *
 * <p>A node is Ready while its machine runs (or, for a node added with its own power source, while
 * that source reports ON), so after a wake it becomes Ready once the clock reaches the end of its
 * boot time. Whenever the cluster is looked at ({@link #snapshot()}, {@link #refresh()}), workload
 * pods on nodes that went down are given back to their workload (or dropped when bare) and pending
 * pods are bound to Ready, uncordoned nodes whose labels, taints and free resources admit them, in
 * node order (first fit), or where a {@link PodScheduler} set with {@link #scheduler} chooses.
 * Bound pods run at once. Thread-safe.
 */
public final class InMemoryCluster implements ClusterView, ClusterActuator, WorkloadScaler {
  private final Clock clock;
  private final Map<String, NodeEntry> nodes = new LinkedHashMap<>();
  private final Map<String, PodEntry> pods = new LinkedHashMap<>();
  private final Map<WorkloadRef, WorkloadEntry> workloads = new LinkedHashMap<>();
  private final List<PodListener> listeners = new CopyOnWriteArrayList<>();
  private final SimulatedDriverProvider driverProvider;
  private long sequence;
  private PodScheduler scheduler;

  /** Creates an empty cluster on the given clock. */
  public InMemoryCluster(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.driverProvider = new SimulatedDriverProvider(this::machine);
  }

  /** The {@code sim} driver provider that powers this cluster's machines. */
  public PowerDriverProvider driverProvider() {
    return driverProvider;
  }

  /**
   * Replaces the built-in first-fit binding with another discipline (a batch queue with
   * backfilling, say). Every binding it returns is checked as the built-in one would.
   */
  public synchronized void scheduler(PodScheduler scheduler) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Adds a listener for pods starting and stopping. */
  public void addListener(PodListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Adds a node whose machine uses the delays of its power profile.
   *
   * @param spec the node
   * @param poweredOn whether its machine starts running (Ready) or off
   */
  public synchronized SimulatedMachine addNode(NodeSpec spec, boolean poweredOn) {
    if (nodes.containsKey(spec.name())) {
      throw new IllegalArgumentException("node '" + spec.name() + "' is already in the cluster");
    }
    SimulatedMachine m =
        new SimulatedMachine(
            spec.name(), clock, spec.power().bootTime(), spec.power().shutdownTime(), poweredOn);
    nodes.put(spec.name(), new NodeEntry(spec, Optional.of(m), m::state, poweredOn));
    return m;
  }

  /**
   * Adds a node whose power lives outside the cluster (a virtual machine with a real BMC or SSH
   * endpoint, say): it is Ready while {@code power} reports {@link PowerState#ON}. Its power is
   * driven by real drivers, not by the {@code sim} driver.
   */
  public synchronized void addNode(NodeSpec spec, Supplier<PowerState> power) {
    if (nodes.containsKey(spec.name())) {
      throw new IllegalArgumentException("node '" + spec.name() + "' is already in the cluster");
    }
    Objects.requireNonNull(power, "power");
    nodes.put(
        spec.name(), new NodeEntry(spec, Optional.empty(), power, power.get() == PowerState.ON));
  }

  /** The machine of a node, empty when the node is unknown. */
  public synchronized Optional<SimulatedMachine> machine(String node) {
    NodeEntry e = nodes.get(node);
    return e == null ? Optional.empty() : e.machine;
  }

  /** Every node's spec, in the order added. */
  public synchronized List<NodeSpec> nodeSpecs() {
    return nodes.values().stream().map(e -> e.spec).toList();
  }

  /**
   * Adds a pod. A pending, unbound pod waits for the scheduler; a pod given with a node (a
   * DaemonSet pod, say) is taken as bound and running there.
   */
  public void addPod(PodInfo pod) {
    List<Runnable> events = new ArrayList<>();
    synchronized (this) {
      if (pods.containsKey(pod.key())) {
        throw new IllegalArgumentException("pod " + pod.key() + " already exists");
      }
      PodInfo p = pod;
      if (p.node().isPresent()) {
        if (!nodes.containsKey(p.node().get())) {
          throw new IllegalArgumentException(
              "pod " + p.key() + " is bound to unknown node '" + p.node().get() + "'");
        }
        p = p.withPlacement(PodPhase.RUNNING, p.node());
      }
      pods.put(p.key(), new PodEntry(p, sequence++));
      refreshLocked(events);
    }
    events.forEach(Runnable::run);
  }

  /** Marks a pod finished (the pod object is removed, as a TTL controller would). */
  public synchronized boolean deletePod(String key) {
    return pods.remove(key) != null;
  }

  /** A pod by its {@code namespace/name}. */
  public synchronized Optional<PodInfo> pod(String key) {
    PodEntry e = pods.get(key);
    return e == null ? Optional.empty() : Optional.of(e.pod);
  }

  /**
   * Registers a workload whose pods {@link #scale} creates from a template.
   *
   * @param workload the workload
   * @param template what each of its pods needs
   */
  public synchronized void registerWorkload(WorkloadRef workload, SchedulingRequirements template) {
    workloads.put(workload, new WorkloadEntry(template));
  }

  /** The pods of a workload, oldest first. */
  public synchronized List<PodInfo> podsOf(WorkloadRef workload) {
    return pods.values().stream()
        .filter(e -> e.pod.owner().equals(Optional.of(workload)))
        .map(e -> e.pod)
        .toList();
  }

  /**
   * Brings the cluster up to the clock: nodes whose machines finished booting become Ready, pods of
   * nodes that went down are rescheduled, pending pods are bound.
   */
  public void refresh() {
    List<Runnable> events = new ArrayList<>();
    synchronized (this) {
      refreshLocked(events);
    }
    events.forEach(Runnable::run);
  }

  /** When the next simulated boot or shutdown completes, if one is under way. */
  public synchronized Optional<Instant> nextMachineTransition() {
    return nodes.values().stream()
        .flatMap(e -> e.machine.stream())
        .map(SimulatedMachine::nextTransition)
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
  }

  @Override
  public ClusterSnapshot snapshot() {
    List<Runnable> events = new ArrayList<>();
    ClusterSnapshot snap;
    synchronized (this) {
      refreshLocked(events);
      List<ClusterNode> ns = new ArrayList<>(nodes.size());
      for (NodeEntry e : nodes.values()) {
        ns.add(new ClusterNode(e.spec, e.ready, e.cordoned));
      }
      snap = new ClusterSnapshot(clock.now(), ns, pods.values().stream().map(p -> p.pod).toList());
    }
    events.forEach(Runnable::run);
    return snap;
  }

  @Override
  public synchronized void cordon(String node) throws ActuatorException {
    entry(node).cordoned = true;
  }

  @Override
  public void uncordon(String node) throws ActuatorException {
    List<Runnable> events = new ArrayList<>();
    synchronized (this) {
      entry(node).cordoned = false;
      refreshLocked(events);
    }
    events.forEach(Runnable::run);
  }

  @Override
  public DrainResult drain(String node, Duration timeout) throws ActuatorException {
    List<Runnable> events = new ArrayList<>();
    DrainResult result;
    synchronized (this) {
      entry(node);
      List<String> blocked = new ArrayList<>();
      List<String> reasons = new ArrayList<>();
      for (PodEntry e : List.copyOf(pods.values())) {
        PodInfo p = e.pod;
        if (!p.node().equals(Optional.of(node)) || !p.isWorkOnNode()) {
          continue;
        }
        if (p.evictionBlocker().isPresent()) {
          blocked.add(p.key());
          reasons.add(p.key() + ": " + p.evictionBlocker().get());
          continue;
        }
        stopPod(e, "evicted by drain of " + node, events);
      }
      result =
          blocked.isEmpty()
              ? DrainResult.completed()
              : new DrainResult(false, blocked, "eviction refused: " + String.join("; ", reasons));
      refreshLocked(events);
    }
    events.forEach(Runnable::run);
    return result;
  }

  @Override
  public synchronized void markPoweredOff(String node, boolean poweredOff)
      throws ActuatorException {
    entry(node).markedOff = poweredOff;
  }

  /** Whether a node is cordoned. */
  public synchronized boolean cordoned(String node) {
    NodeEntry e = nodes.get(node);
    return e != null && e.cordoned;
  }

  /** Whether a node carries the powered-off mark. */
  public synchronized boolean markedPoweredOff(String node) {
    NodeEntry e = nodes.get(node);
    return e != null && e.markedOff;
  }

  @Override
  public void scale(WorkloadRef workload, int replicas) throws ActuatorException {
    if (replicas < 0) {
      throw new ActuatorException(workload + ": replicas must be >= 0, got " + replicas);
    }
    List<Runnable> events = new ArrayList<>();
    synchronized (this) {
      WorkloadEntry w = workloads.get(workload);
      if (w == null) {
        throw new ActuatorException(
            workload + " is not registered in the in-memory cluster; registerWorkload first");
      }
      w.replicas = replicas;
      reconcileWorkload(workload, w, events);
      refreshLocked(events);
    }
    events.forEach(Runnable::run);
  }

  @Override
  public synchronized OptionalInt replicas(WorkloadRef workload) {
    WorkloadEntry w = workloads.get(workload);
    return w == null ? OptionalInt.empty() : OptionalInt.of(w.replicas);
  }

  private NodeEntry entry(String node) throws ActuatorException {
    NodeEntry e = nodes.get(node);
    if (e == null) {
      throw new ActuatorException(
          "node '" + node + "' is not in the in-memory cluster; known: " + nodes.keySet());
    }
    return e;
  }

  private void reconcileWorkload(WorkloadRef ref, WorkloadEntry w, List<Runnable> events) {
    List<PodEntry> mine =
        pods.values().stream().filter(e -> e.pod.owner().equals(Optional.of(ref))).toList();
    int surplus = mine.size() - w.replicas;
    if (surplus > 0) {
      // Like a ReplicaSet: unscheduled pods go first, then the youngest.
      List<PodEntry> victims = new ArrayList<>(mine);
      victims.sort(
          Comparator.comparing((PodEntry e) -> e.pod.node().isPresent())
              .thenComparing(e -> -e.seq));
      for (PodEntry e : victims.subList(0, surplus)) {
        pods.remove(e.pod.key());
        if (e.pod.node().isPresent()) {
          PodInfo gone = e.pod;
          Instant at = clock.now();
          events.add(() -> listeners.forEach(l -> l.podStopped(gone, at, "scaled down")));
        }
      }
    }
    for (int i = mine.size(); i < w.replicas; i++) {
      String name = ref.name() + "-" + (w.nextIndex++);
      PodInfo p =
          new PodInfo(
              ref.namespace(),
              name,
              PodKind.WORKLOAD,
              PodPhase.PENDING,
              Optional.empty(),
              w.template,
              Optional.of(ref),
              0,
              Optional.empty());
      pods.put(p.key(), new PodEntry(p, sequence++));
    }
  }

  private void stopPod(PodEntry e, String reason, List<Runnable> events) {
    PodInfo old = e.pod;
    Instant at = clock.now();
    pods.remove(old.key());
    events.add(() -> listeners.forEach(l -> l.podStopped(old, at, reason)));
    if (old.owner().isPresent() && workloads.containsKey(old.owner().get())) {
      WorkloadRef ref = old.owner().get();
      reconcileWorkload(ref, workloads.get(ref), events);
    }
  }

  private void refreshLocked(List<Runnable> events) {
    for (NodeEntry n : nodes.values()) {
      boolean ready = n.power.get() == PowerState.ON;
      if (n.ready && !ready) {
        for (PodEntry e : List.copyOf(pods.values())) {
          if (e.pod.node().equals(Optional.of(n.spec.name())) && e.pod.kind().countsAsWork()) {
            stopPod(e, "node " + n.spec.name() + " went down", events);
          }
        }
      }
      n.ready = ready;
    }
    schedule(events);
  }

  private void schedule(List<Runnable> events) {
    List<PodEntry> waiting = new ArrayList<>();
    for (PodEntry e : pods.values()) {
      if (e.pod.unscheduled()) {
        waiting.add(e);
      }
    }
    if (waiting.isEmpty()) {
      return;
    }
    waiting.sort(
        Comparator.comparingInt((PodEntry e) -> -e.pod.priority()).thenComparing(e -> e.seq));
    Map<String, Resources> used = new HashMap<>();
    for (PodEntry e : pods.values()) {
      if (e.pod.node().isPresent() && e.pod.phase().active()) {
        used.merge(e.pod.node().get(), e.pod.scheduling().requests(), Resources::plus);
      }
    }
    Instant now = clock.now();
    if (scheduler != null) {
      bindChosen(waiting, used, now, events);
      return;
    }
    for (PodEntry e : waiting) {
      for (NodeEntry n : nodes.values()) {
        if (!n.ready || n.cordoned || n.markedOff || !e.pod.scheduling().admits(n.spec)) {
          continue;
        }
        Resources after =
            used.getOrDefault(n.spec.name(), Resources.ZERO).plus(e.pod.scheduling().requests());
        if (!after.fitsIn(n.spec.allocatable())) {
          continue;
        }
        used.put(n.spec.name(), after);
        PodInfo bound = e.pod.withPlacement(PodPhase.RUNNING, Optional.of(n.spec.name()));
        e.pod = bound;
        events.add(() -> listeners.forEach(l -> l.podStarted(bound, now)));
        break;
      }
    }
  }

  private void bindChosen(
      List<PodEntry> waiting, Map<String, Resources> used, Instant now, List<Runnable> events) {
    List<NodeSpec> open = new ArrayList<>();
    for (NodeEntry n : nodes.values()) {
      if (n.ready && !n.cordoned && !n.markedOff) {
        open.add(n.spec);
      }
    }
    Map<String, String> chosen =
        scheduler.place(waiting.stream().map(e -> e.pod).toList(), open, Map.copyOf(used), now);
    for (PodEntry e : waiting) {
      String node = chosen.get(e.pod.key());
      if (node == null) {
        continue;
      }
      NodeEntry n = nodes.get(node);
      Resources after = used.getOrDefault(node, Resources.ZERO).plus(e.pod.scheduling().requests());
      if (n == null
          || !n.ready
          || n.cordoned
          || n.markedOff
          || !e.pod.scheduling().admits(n.spec)
          || !after.fitsIn(n.spec.allocatable())) {
        // A scheduler that binds where the built-in one could not is a bug, not a decision.
        throw new IllegalStateException(
            "scheduler placed pod " + e.pod.key() + " on '" + node + "', which cannot take it");
      }
      used.put(node, after);
      PodInfo bound = e.pod.withPlacement(PodPhase.RUNNING, Optional.of(node));
      e.pod = bound;
      events.add(() -> listeners.forEach(l -> l.podStarted(bound, now)));
    }
  }

  private static final class NodeEntry {
    final NodeSpec spec;
    final Optional<SimulatedMachine> machine;
    final Supplier<PowerState> power;
    boolean ready;
    boolean cordoned;
    boolean markedOff;

    NodeEntry(
        NodeSpec spec,
        Optional<SimulatedMachine> machine,
        Supplier<PowerState> power,
        boolean ready) {
      this.spec = spec;
      this.machine = machine;
      this.power = power;
      this.ready = ready;
    }
  }

  private static final class PodEntry {
    PodInfo pod;
    final long seq;

    PodEntry(PodInfo pod, long seq) {
      this.pod = pod;
      this.seq = seq;
    }
  }

  private static final class WorkloadEntry {
    final SchedulingRequirements template;
    int replicas;
    int nextIndex;

    WorkloadEntry(SchedulingRequirements template) {
      this.template = template;
    }
  }
}
