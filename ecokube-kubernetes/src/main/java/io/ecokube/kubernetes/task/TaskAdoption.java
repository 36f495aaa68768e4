package io.ecokube.kubernetes.task;

import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a new leader finds, and the records that outlived their use: resumes every unfinished
 * recorded task from its pods, deletes the pods of finished tasks and of tasks without a record,
 * and removes finished records older than the retention (at start and on a periodic sweep).
 *
 * <p>Runs on the runner's thread, like {@link TaskWorkers}.
 */
final class TaskAdoption {
  // The runner's logger: operators tune task logging under one name, however the code is split.
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);

  private final TaskPods pods;
  private final TaskRecords records;
  private final TaskWorkers workers;
  private final TaskPodSettings settings;
  private final Clock clock;
  private final ScheduledExecutorService worker;

  TaskAdoption(
      TaskPods pods,
      TaskRecords records,
      TaskWorkers workers,
      TaskPodSettings settings,
      Clock clock,
      ScheduledExecutorService worker) {
    this.pods = pods;
    this.records = records;
    this.workers = workers;
    this.settings = settings;
    this.clock = clock;
    this.worker = worker;
  }

  /** Resumes every unfinished recorded task; removes orphaned pods and expired records. */
  void adopt() {
    List<TaskRecords.Stored> stored;
    List<V1Pod> managed;
    try {
      stored =
          records.list(
              (name, why) ->
                  LOG.warn("task record {}/{} unreadable: {}", settings.namespace(), name, why));
      managed = pods.listManaged();
    } catch (ApiException e) {
      LOG.warn(
          "listing tasks in {} failed ({}); retrying in {}",
          settings.namespace(),
          "HTTP " + e.getCode(),
          TaskWorkers.RETRY);
      worker.schedule(this::adopt, TaskWorkers.RETRY.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    Map<String, List<V1Pod>> byTask = new HashMap<>();
    for (V1Pod p : managed) {
      Map<String, String> labels = p.getMetadata().getLabels();
      if (labels != null && labels.containsKey(EcoKubeKeys.TASK_ID)) {
        byTask.computeIfAbsent(labels.get(EcoKubeKeys.TASK_ID), k -> new ArrayList<>()).add(p);
      }
    }
    for (TaskRecords.Stored s : stored) {
      List<V1Pod> own = byTask.remove(s.key());
      if (s.finishedAt().isPresent()) {
        // Finished, but the leader died before deleting its pods.
        if (own != null) {
          own.forEach(p -> pods.delete(p.getMetadata().getName()));
        }
        expire(s);
      } else if (!workers.runs(s.key())) {
        workers.begin(s, index(own));
      }
    }
    byTask.forEach(
        (key, own) ->
            own.forEach(
                p -> {
                  LOG.info(
                      "deleting worker pod {} of a task without a record",
                      p.getMetadata().getName());
                  pods.delete(p.getMetadata().getName());
                }));
  }

  /** Deletes finished records older than the retention. */
  void expire() {
    try {
      records
          .list((name, why) -> {})
          .forEach(
              s -> {
                if (s.finishedAt().isPresent()) {
                  expire(s);
                }
              });
    } catch (ApiException e) {
      LOG.debug("listing task records failed: HTTP {}", e.getCode());
    } catch (RuntimeException e) {
      LOG.warn("expiring task records failed: {}", e.toString());
    }
  }

  private void expire(TaskRecords.Stored s) {
    Instant until = s.finishedAt().orElseThrow().plus(settings.finishedRetention());
    if (!clock.now().isBefore(until)) {
      try {
        records.delete(s.key());
      } catch (ApiException e) {
        LOG.debug("deleting task record {} failed: HTTP {}", s.key(), e.getCode());
      }
    }
  }

  /** Pods by worker index, latest attempt last. */
  private static Map<Integer, List<V1Pod>> index(List<V1Pod> found) {
    Map<Integer, List<V1Pod>> out = new HashMap<>();
    if (found == null) {
      return out;
    }
    for (V1Pod p : found) {
      Integer i = TaskPods.label(p, TaskPodRunner.INDEX);
      if (i != null && TaskPods.label(p, TaskPodRunner.ATTEMPT) != null) {
        out.computeIfAbsent(i, k -> new ArrayList<>()).add(p);
      }
    }
    out.values()
        .forEach(
            l ->
                l.sort(
                    (a, b) ->
                        Integer.compare(
                            TaskPods.label(a, TaskPodRunner.ATTEMPT),
                            TaskPods.label(b, TaskPodRunner.ATTEMPT))));
    return out;
  }
}
