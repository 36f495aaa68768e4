package io.ecokube.sim;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodKind;
import io.ecokube.api.cluster.PodPhase;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.time.Clock;
import io.ecokube.core.energy.EnergyLedger;
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
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The work of a {@link Simulator}: jobs arriving, becoming bare pods or messages on a queue, the
 * queue workers scaled on the backlog (as KEDA would) and fed, jobs finishing or being interrupted
 * and restarted, and the nodes' utilisation that follows for the ledger. The simulator calls it at
 * each step, in a fixed order, and asks it when its next arrival, completion or cooldown is due.
 */
final class SimulatedJobs {
  private final Clock clock;
  private final InMemoryCluster cluster;
  private final EnergyLedger ledger;
  private final SimulationRecorder recorder;
  private final PriorityQueue<Job> arrivals =
      new PriorityQueue<>(Comparator.comparing(Job::arrival).thenComparing(Job::id));
  private final PriorityQueue<Completion> completions =
      new PriorityQueue<>(Comparator.comparing(Completion::at).thenComparing(Completion::job));
  private final Map<String, JobRun> runs = new LinkedHashMap<>();
  private final Map<String, JobRun> batchPods = new HashMap<>();
  private final Map<String, QueueRun> queues = new LinkedHashMap<>();
  private final Deque<JobRun> interrupted = new ArrayDeque<>();
  private final Map<String, Double> lastUtilisation = new HashMap<>();
  private final List<Duration> waits = new ArrayList<>();
  private int submitted;
  private int completed;

  SimulatedJobs(
      Clock clock,
      InMemoryCluster cluster,
      EnergyLedger ledger,
      SimulationRecorder recorder,
      List<QueueWorkload> queueSpecs,
      Map<String, JobQueue> jobQueues,
      List<Job> jobs) {
    this.clock = clock;
    this.cluster = cluster;
    this.ledger = ledger;
    this.recorder = recorder;
    for (QueueWorkload q : queueSpecs) {
      cluster.registerWorkload(q.workload(), q.podTemplate());
      JobQueue jq = jobQueues.getOrDefault(q.name(), new InMemoryJobQueue(q.name(), "workers"));
      queues.put(q.name(), new QueueRun(q, jq));
    }
    for (Job j : jobs) {
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
  }

  /** Follows pods as the in-memory scheduler starts them and failing nodes stop them. */
  PodListener podListener() {
    return new Pods();
  }

  int submitted() {
    return submitted;
  }

  int completed() {
    return completed;
  }

  List<Duration> waits() {
    return waits;
  }

  boolean allDone() {
    return completed == runs.size();
  }

  /** Lets the jobs due by now arrive, then finishes the completions due. */
  void arriveAndComplete(Instant now) {
    while (!arrivals.isEmpty() && !arrivals.peek().arrival().isAfter(now)) {
      arrive(arrivals.poll());
    }
    while (!completions.isEmpty() && !completions.peek().at().isAfter(now)) {
      complete(completions.poll());
    }
  }

  /** The earlier of {@code next} and this side's next arrival, completion or queue cooldown end. */
  Instant nextEvent(Instant next, Instant now) {
    if (!arrivals.isEmpty()) {
      next = min(next, arrivals.peek().arrival());
    }
    if (!completions.isEmpty()) {
      next = min(next, completions.peek().at());
    }
    for (QueueRun q : queues.values()) {
      Optional<Instant> t = q.cooldownEnds();
      if (t.isPresent() && t.get().isAfter(now)) {
        next = min(next, t.get());
      }
    }
    return next;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private void arrive(Job j) {
    submitted++;
    recorder.record("ARRIVED", j.id(), j.queue().map(q -> "queued on " + q).orElse("batch job"));
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
    recorder.record("DONE", run.job.id(), "on " + run.node);
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

  /** Submits the pods of batch jobs whose node went down again, as a Job controller would. */
  void restartInterrupted() {
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
    recorder.record("STARTED", run.job.id(), "on " + node + " (" + podKey + ")");
  }

  /** Scales each queue's workers on its backlog, down to the minimum once the cooldown is over. */
  void scaleQueues(Instant now) {
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
        recorder.record(
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

  /** Hands a waiting message to every running worker that has none. */
  void dispatchQueues(Instant now) {
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

  /** The engine's demand: the queue workers wanted now. */
  Demand demand() {
    Instant now = clock.now();
    List<WorkloadDemand> desired = new ArrayList<>();
    for (QueueRun q : queues.values()) {
      desired.add(
          new WorkloadDemand(q.spec.workload(), q.replicas, q.spec.podTemplate(), 0, q.reason));
    }
    return new Demand(now, desired, List.of(), Optional.empty());
  }

  /** Tells the ledger each node's utilisation: the cores its running jobs request. */
  void refreshUtilisation() {
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
        recorder.record("INTERRUPTED", run.job.id(), reason);
        interrupted.add(run);
      }
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
}
