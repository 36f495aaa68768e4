package io.ecokube.kubernetes.task;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as worker pods (the event-driven worker pattern). A {@link ScaleEvent} of type
 * SCALE_UP whose workload has a {@link TaskTemplate} becomes a task of {@code podCount} workers.
 *
 * <p><b>Never lost, never run twice.</b> {@link #accept} records the task in the cluster (a
 * ConfigMap named from the task id, see {@link TaskRecords}) before it returns, and a scale-event
 * source acknowledges the event only after that; a redelivered event finds the record and is a
 * {@link Acceptance#DUPLICATE}. Worker pods are named from the task id, the worker's index and its
 * attempt ({@code task-<key>-<index>-<attempt>}), so whoever runs the task next finds them. {@link
 * #start()} adopts what an earlier leader left: every unfinished task is resumed from its pods
 * (running ones are watched on, finished ones counted, missing ones created), pods of tasks without
 * a record are deleted, and finished records older than the retention are removed.
 *
 * <p>Workers carry the labels {@code app.kubernetes.io/managed-by=ecokube}, {@code
 * ecokube.io/task-id=<key>}, {@code ecokube.io/task-index}, {@code ecokube.io/task-attempt}, the
 * environment variables {@code ECOKUBE_TASK_ID} and {@code ECOKUBE_TASK_INDEX}, restartPolicy Never
 * and, with a time-to-live, {@code activeDeadlineSeconds}. At most {@code concurrency} workers are
 * unfinished at once; a failed one is started again (its next attempt) until {@code attempts}
 * failed. Finished workers stay until their whole task has ended (their pods are its progress);
 * then the {@link TaskOutcome} goes to the listener, the record is marked finished and the task's
 * pods are deleted. Pending workers are demand like any other pod and wake nodes.
 *
 * <p>All API calls except the record's create run on one named thread ({@code ecokube-tasks}). This
 * class accepts events and watches the pods; {@link TaskWorkers} runs the tasks, {@link
 * TaskAdoption} takes over and cleans up, {@link TaskPods} and {@link TaskRecords} make the calls.
 */
@KubernetesAccess(
    resources = "pods",
    verbs = {"list", "watch"},
    scope = Scope.NAMESPACE,
    feature = "task-pods")
public final class TaskPodRunner implements ScaleEventHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);

  /** Pod label: the worker's index in its task, from 0. */
  public static final String INDEX = "ecokube.io/task-index";

  /** Pod label: the worker's attempt, from 1. */
  public static final String ATTEMPT = "ecokube.io/task-attempt";

  private final TaskPodSettings settings;
  private final Clock clock;
  private final TaskRecords records;
  private final ScheduledExecutorService worker;
  private final SharedInformerFactory factory;
  // Both confined to the worker thread.
  private final TaskWorkers workers;
  private final TaskAdoption adoption;

  /**
   * Creates a runner; call {@link #start()}.
   *
   * @param client the API client (needs create, delete, list, watch on pods, create, get, list,
   *     update, delete on configmaps, and get on podtemplates in the namespace)
   * @param settings namespace, templates, concurrency, attempts, time-to-live, retention
   * @param clock stamps records and ages finished ones
   * @param listener receives each task's outcome (on the runner's thread), at least once: a leader
   *     that dies between reporting and marking the task finished reports it again next time
   */
  public TaskPodRunner(
      ApiClient client, TaskPodSettings settings, Clock clock, Consumer<TaskOutcome> listener) {
    CoreV1Api core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(listener, "listener");
    this.records = new TaskRecords(core, settings.namespace());
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-tasks");
              t.setDaemon(true);
              return t;
            });
    TaskPods pods = new TaskPods(core, settings);
    this.workers = new TaskWorkers(pods, records, settings, clock, listener, worker);
    this.adoption = new TaskAdoption(pods, records, workers, settings, clock, worker);
    this.factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1Pod> informer =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            0,
            settings.namespace());
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(V1Pod obj) {
            observed(obj);
          }

          @Override
          public void onUpdate(V1Pod oldObj, V1Pod newObj) {
            observed(newObj);
          }

          @Override
          public void onDelete(V1Pod obj, boolean deletedFinalStateUnknown) {
            deleted(obj);
          }
        });
  }

  /**
   * Adopts what an earlier leader left, then starts watching; the adoption runs first on the
   * runner's thread, so watch events are handled against the adopted tasks.
   */
  public void start() {
    worker.execute(adoption::adopt);
    factory.startAllRegisteredInformers();
    long sweep =
        Math.min(settings.finishedRetention().toMillis(), Duration.ofMinutes(1).toMillis());
    worker.scheduleWithFixedDelay(adoption::expire, sweep, sweep, TimeUnit.MILLISECONDS);
  }

  /**
   * Records the task in the cluster and returns; its pods are made on the runner's thread. Throws
   * when the record cannot be written, so the source keeps the event and tries again.
   */
  @Override
  public Acceptance accept(ScaleEvent event) {
    if (event.type() != ScaleEvent.Type.SCALE_UP) {
      LOG.warn(
          "scale event for task {} is {}; task pods only run scale_up events",
          event.taskId(),
          event.type());
      return Acceptance.REJECTED;
    }
    if (!settings.templates().containsKey(event.workload())) {
      LOG.warn(
          "scale event for task {} names workload '{}', which has no task template (known: {})",
          event.taskId(),
          event.workload(),
          settings.templates().keySet());
      return Acceptance.REJECTED;
    }
    boolean created;
    try {
      created = records.create(event, clock.now());
    } catch (ApiException e) {
      throw new IllegalStateException(
          "task "
              + event.taskId()
              + " not recorded in "
              + settings.namespace()
              + " (HTTP "
              + e.getCode()
              + "); the event stays unacknowledged and is tried again",
          e);
    }
    if (!created) {
      return Acceptance.DUPLICATE;
    }
    TaskRecords.Stored stored =
        new TaskRecords.Stored(
            event.taskId(),
            TaskNames.key(event.taskId()),
            event.workload(),
            event.podCount(),
            event.attributes(),
            Optional.empty());
    worker.execute(() -> workers.begin(stored, Map.of()));
    return Acceptance.ACCEPTED;
  }

  private void observed(V1Pod p) {
    String phase = TaskPods.phase(p);
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      return;
    }
    String name = p.getMetadata().getName();
    worker.execute(() -> workers.podEnded(name, phase));
  }

  private void deleted(V1Pod p) {
    String name = p.getMetadata().getName();
    worker.execute(() -> workers.podDeleted(name));
  }

  /** Tasks running now, adopted ones included (for health, metrics and tests). */
  public int activeTasks() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    worker.execute(() -> f.complete(workers.count()));
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the task runner", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("task runner did not answer", e);
    }
  }

  /**
   * Stops watching; running workers and records stay, for the next leader to adopt. A create in
   * flight finishes first, so no pod is made after this returns.
   */
  @Override
  public void close() {
    factory.stopAllRegisteredInformers(true);
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
