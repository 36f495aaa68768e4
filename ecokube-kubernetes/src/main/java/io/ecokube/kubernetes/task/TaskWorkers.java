package io.ecokube.kubernetes.task;

import io.ecokube.api.time.Clock;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks being run and their workers, each waiting, running, succeeded or failed: starts waiting
 * workers up to the concurrency, books their ends (a failed one waits for its next attempt until
 * the attempts are spent), and finishes a task whose every worker has ended: outcome to the
 * listener, record marked finished, pods deleted.
 *
 * <p>Confined to the runner's thread: every method runs on {@code worker}.
 */
final class TaskWorkers {
  // The runner's logger: operators tune task logging under one name, however the code is split.
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);

  /** Wait before calling the API server again after it could not answer. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private final TaskPods pods;
  private final TaskRecords records;
  private final TaskPodSettings settings;
  private final Clock clock;
  private final Consumer<TaskOutcome> listener;
  private final ScheduledExecutorService worker;
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Deque<Slot> waiting = new ArrayDeque<>();
  private final Map<String, Slot> running = new HashMap<>();
  private boolean fillScheduled;

  TaskWorkers(
      TaskPods pods,
      TaskRecords records,
      TaskPodSettings settings,
      Clock clock,
      Consumer<TaskOutcome> listener,
      ScheduledExecutorService worker) {
    this.pods = pods;
    this.records = records;
    this.settings = settings;
    this.clock = clock;
    this.listener = listener;
    this.worker = worker;
  }

  /** Whether the task with this key is being run here. */
  boolean runs(String key) {
    return tasks.containsKey(key);
  }

  /** How many tasks are being run here. */
  int count() {
    return tasks.size();
  }

  /**
   * Starts (or resumes, given the pods found by worker index, latest attempt last) a task: reads
   * its template, then every worker is waiting, running, or done according to its latest pod.
   */
  void begin(TaskRecords.Stored s, Map<Integer, List<V1Pod>> found) {
    V1PodTemplateSpec template;
    try {
      template = pods.template(s.workload());
    } catch (IllegalStateException e) {
      LOG.warn("task {}: {}", s.taskId(), e.getMessage());
      Task t = new Task(s, null);
      for (Slot slot : t.slots) {
        slot.state = State.FAILED;
      }
      tasks.put(s.key(), t);
      finish(t);
      return;
    }
    Task t = new Task(s, template);
    tasks.put(s.key(), t);
    int adopted = 0;
    for (Slot slot : t.slots) {
      List<V1Pod> own = found.getOrDefault(slot.index, List.of());
      if (own.isEmpty()) {
        waiting.add(slot);
        continue;
      }
      adopted++;
      V1Pod latest = own.get(own.size() - 1);
      // Earlier attempts' pods: a leader died after starting the next attempt.
      own.subList(0, own.size() - 1).forEach(p -> pods.delete(p.getMetadata().getName()));
      slot.attempt = TaskPods.label(latest, TaskPodRunner.ATTEMPT);
      slot.pod = latest.getMetadata().getName();
      slot.state = State.RUNNING;
      running.put(slot.pod, slot);
      ended(slot, TaskPods.phase(latest));
    }
    if (adopted > 0) {
      LOG.info(
          "task {}: adopted {} of {} workers from an earlier leader",
          s.taskId(),
          adopted,
          s.podCount());
    }
    fill();
    done(t);
  }

  /** A pod reached phase Succeeded or Failed (seen by the watch). */
  void podEnded(String name, String phase) {
    Slot s = running.get(name);
    if (s != null) {
      ended(s, phase);
      fill();
      done(s.task);
    }
  }

  /** A running worker's pod deleted by someone else: that attempt failed. */
  void podDeleted(String name) {
    Slot s = running.get(name);
    if (s != null && !s.task.finishing) {
      LOG.warn("task {}: worker pod {} was deleted while running", s.task.id(), name);
      ended(s, "Failed");
      fill();
      done(s.task);
    }
  }

  /**
   * Creates waiting workers while fewer than {@code concurrency} are unfinished. A create the API
   * server could not handle (unreachable, 429, 5xx) is tried again later and spends no attempt; one
   * it refused (an invalid pod) counts as a failed attempt.
   */
  private void fill() {
    while (running.size() < settings.concurrency() && !waiting.isEmpty()) {
      Slot s = waiting.poll();
      s.attempt++;
      String name = TaskNames.pod(s.task.stored.key(), s.index, s.attempt);
      boolean existed = false;
      try {
        pods.create(s.task.template, s.task.id(), s.task.stored.key(), s.index, s.attempt, name);
      } catch (ApiException e) {
        int code = e.getCode();
        if (code == 0 || code == 429 || code >= 500) {
          s.attempt--;
          waiting.addFirst(s);
          LOG.warn(
              "task {}: creating worker {} failed (HTTP {}); trying again in {}",
              s.task.id(),
              name,
              code,
              RETRY);
          if (!fillScheduled) {
            fillScheduled = true;
            worker.schedule(
                () -> {
                  fillScheduled = false;
                  fill();
                },
                RETRY.toMillis(),
                TimeUnit.MILLISECONDS);
          }
          return;
        }
        if (code != 409) {
          LOG.warn("task {}: creating worker {} refused: HTTP {}", s.task.id(), name, code);
          s.pod = null;
          s.state = State.RUNNING;
          ended(s, "Failed");
          done(s.task);
          continue;
        }
        // Made before a crash that lost its bookkeeping: it is this worker's pod.
        existed = true;
      }
      if (s.stale != null) {
        pods.delete(s.stale);
        s.stale = null;
      }
      s.pod = name;
      s.state = State.RUNNING;
      running.put(name, s);
      if (existed) {
        // It may have ended already, and its watch event been passed over.
        ended(s, pods.readPhase(name));
        done(s.task);
      }
    }
  }

  /** Books a worker's end (phase Succeeded or Failed; anything else: still running). */
  private void ended(Slot s, String phase) {
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      return;
    }
    if (s.pod != null) {
      running.remove(s.pod);
    }
    Task t = s.task;
    if ("Succeeded".equals(phase)) {
      s.state = State.SUCCEEDED;
    } else if (s.attempt < settings.attempts()) {
      t.retries++;
      s.state = State.WAITING;
      // Kept until the next attempt exists: whoever resumes the task sees how many failed.
      s.stale = s.pod;
      s.pod = null;
      waiting.addFirst(s);
    } else {
      s.state = State.FAILED;
    }
  }

  /** Finishes a task whose every worker has ended. */
  private void done(Task t) {
    if (t.finishing) {
      return;
    }
    for (Slot s : t.slots) {
      if (s.state != State.SUCCEEDED && s.state != State.FAILED) {
        return;
      }
    }
    finish(t);
  }

  private void finish(Task t) {
    t.finishing = true;
    int ok = 0;
    for (Slot s : t.slots) {
      ok += s.state == State.SUCCEEDED ? 1 : 0;
    }
    TaskOutcome o = new TaskOutcome(t.id(), t.slots.size(), ok, t.slots.size() - ok, t.retries);
    if (!t.reported) {
      t.reported = true;
      LOG.info("task {} finished: {}", t.id(), o);
      try {
        listener.accept(o);
      } catch (RuntimeException e) {
        LOG.warn("task outcome listener failed: {}", e.toString());
      }
    }
    try {
      records.finish(t.stored, o, clock.now());
    } catch (ApiException e) {
      LOG.warn(
          "task {}: marking its record finished failed (HTTP {}); retrying in {}",
          t.id(),
          e.getCode(),
          RETRY);
      worker.schedule(() -> finish(t), RETRY.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    for (Slot s : t.slots) {
      if (s.pod != null) {
        pods.delete(s.pod);
      }
      if (s.stale != null) {
        pods.delete(s.stale);
      }
    }
    tasks.remove(t.stored.key());
  }

  private enum State {
    WAITING,
    RUNNING,
    SUCCEEDED,
    FAILED
  }

  private static final class Task {
    final TaskRecords.Stored stored;
    final V1PodTemplateSpec template;
    final List<Slot> slots = new ArrayList<>();
    int retries;
    boolean finishing;
    boolean reported;

    Task(TaskRecords.Stored stored, V1PodTemplateSpec template) {
      this.stored = stored;
      this.template = template;
      for (int i = 0; i < stored.podCount(); i++) {
        slots.add(new Slot(this, i));
      }
    }

    String id() {
      return stored.taskId();
    }
  }

  private static final class Slot {
    final Task task;
    final int index;
    int attempt;
    State state = State.WAITING;
    String pod;
    String stale;

    Slot(Task task, int index) {
      this.task = task;
      this.index = index;
    }
  }
}
