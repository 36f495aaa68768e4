package io.ecokube.kubernetes.task;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>All API calls except the record's create run on one named thread ({@code ecokube-tasks}).
 */
@KubernetesAccess(
    resources = "pods",
    verbs = {"create", "get", "delete", "list", "watch"},
    scope = Scope.NAMESPACE,
    feature = "task-pods")
@KubernetesAccess(
    resources = "podtemplates",
    verbs = "get",
    scope = Scope.NAMESPACE,
    feature = "task-pods")
public final class TaskPodRunner implements ScaleEventHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);

  /** Pod label: the worker's index in its task, from 0. */
  public static final String INDEX = "ecokube.io/task-index";

  /** Pod label: the worker's attempt, from 1. */
  public static final String ATTEMPT = "ecokube.io/task-attempt";

  private static final Duration RETRY_FINISH = Duration.ofSeconds(5);

  private final CoreV1Api core;
  private final TaskPodSettings settings;
  private final Clock clock;
  private final Consumer<TaskOutcome> listener;
  private final TaskRecords records;
  private final ScheduledExecutorService worker;
  private final SharedInformerFactory factory;
  // Confined to the worker thread.
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Deque<Slot> waiting = new ArrayDeque<>();
  private final Map<String, Slot> running = new HashMap<>();
  private boolean fillScheduled;

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
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.records = new TaskRecords(core, settings.namespace());
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-tasks");
              t.setDaemon(true);
              return t;
            });
    this.factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1Pod> pods =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            0,
            settings.namespace());
    pods.addEventHandler(
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
    worker.execute(this::adopt);
    factory.startAllRegisteredInformers();
    long sweep =
        Math.min(settings.finishedRetention().toMillis(), Duration.ofMinutes(1).toMillis());
    worker.scheduleWithFixedDelay(this::expire, sweep, sweep, TimeUnit.MILLISECONDS);
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
    worker.execute(() -> begin(stored, Map.of()));
    return Acceptance.ACCEPTED;
  }

  /** Resumes every unfinished recorded task; removes orphaned pods and expired records. */
  private void adopt() {
    List<TaskRecords.Stored> stored;
    List<V1Pod> pods;
    try {
      stored =
          records.list(
              (name, why) ->
                  LOG.warn("task record {}/{} unreadable: {}", settings.namespace(), name, why));
      pods =
          core.listNamespacedPod(settings.namespace())
              .labelSelector(EcoKubeKeys.MANAGED_BY + "=" + EcoKubeKeys.MANAGED_BY_VALUE)
              .execute()
              .getItems();
    } catch (ApiException e) {
      LOG.warn(
          "listing tasks in {} failed ({}); retrying in {}",
          settings.namespace(),
          "HTTP " + e.getCode(),
          RETRY_FINISH);
      worker.schedule(this::adopt, RETRY_FINISH.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    Map<String, List<V1Pod>> byTask = new HashMap<>();
    for (V1Pod p : pods) {
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
          own.forEach(p -> delete(p.getMetadata().getName()));
        }
        expire(s);
      } else if (!tasks.containsKey(s.key())) {
        begin(s, index(own));
      }
    }
    byTask.forEach(
        (key, own) ->
            own.forEach(
                p -> {
                  LOG.info(
                      "deleting worker pod {} of a task without a record",
                      p.getMetadata().getName());
                  delete(p.getMetadata().getName());
                }));
  }

  /** Pods by worker index, latest attempt last. */
  private static Map<Integer, List<V1Pod>> index(List<V1Pod> pods) {
    Map<Integer, List<V1Pod>> out = new HashMap<>();
    if (pods == null) {
      return out;
    }
    for (V1Pod p : pods) {
      Integer i = label(p, INDEX);
      if (i != null && label(p, ATTEMPT) != null) {
        out.computeIfAbsent(i, k -> new ArrayList<>()).add(p);
      }
    }
    out.values()
        .forEach(l -> l.sort((a, b) -> Integer.compare(label(a, ATTEMPT), label(b, ATTEMPT))));
    return out;
  }

  private static Integer label(V1Pod p, String name) {
    try {
      return Integer.valueOf(p.getMetadata().getLabels().get(name));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Starts (or resumes, given the pods found) a task: reads its template, then every worker is
   * waiting, running, or done according to its latest pod.
   */
  private void begin(TaskRecords.Stored s, Map<Integer, List<V1Pod>> found) {
    V1PodTemplateSpec template;
    try {
      template = template(s.workload());
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
      own.subList(0, own.size() - 1).forEach(p -> delete(p.getMetadata().getName()));
      slot.attempt = label(latest, ATTEMPT);
      slot.pod = latest.getMetadata().getName();
      slot.state = State.RUNNING;
      running.put(slot.pod, slot);
      ended(slot, phase(latest));
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

  private V1PodTemplateSpec template(String workload) {
    TaskTemplate tt = settings.templates().get(workload);
    if (tt == null) {
      throw new IllegalStateException(
          "workload '" + workload + "' has no task template any more; the task fails");
    }
    if (tt.inline().isPresent()) {
      return tt.inline().get();
    }
    String name = tt.podTemplateName().orElseThrow();
    try {
      V1PodTemplate pt = core.readNamespacedPodTemplate(name, settings.namespace()).execute();
      if (pt.getTemplate() == null || pt.getTemplate().getSpec() == null) {
        throw new IllegalStateException(
            "PodTemplate " + settings.namespace() + "/" + name + " has no template.spec");
      }
      return pt.getTemplate();
    } catch (ApiException e) {
      throw new IllegalStateException(
          "PodTemplate " + settings.namespace() + "/" + name + " unreadable: HTTP " + e.getCode(),
          e);
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
        core.createNamespacedPod(settings.namespace(), pod(s, name)).execute();
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
              RETRY_FINISH);
          if (!fillScheduled) {
            fillScheduled = true;
            worker.schedule(
                () -> {
                  fillScheduled = false;
                  fill();
                },
                RETRY_FINISH.toMillis(),
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
        delete(s.stale);
        s.stale = null;
      }
      s.pod = name;
      s.state = State.RUNNING;
      running.put(name, s);
      if (existed) {
        // It may have ended already, and its watch event been passed over.
        ended(s, readPhase(name));
        done(s.task);
      }
    }
  }

  private String readPhase(String name) {
    try {
      return phase(core.readNamespacedPod(name, settings.namespace()).execute());
    } catch (ApiException e) {
      return null;
    }
  }

  private V1Pod pod(Slot s, String name) {
    V1PodTemplateSpec template = s.task.template;
    V1ObjectMeta tm = template.getMetadata();
    Map<String, String> labels = new HashMap<>();
    if (tm != null && tm.getLabels() != null) {
      labels.putAll(tm.getLabels());
    }
    labels.put(EcoKubeKeys.MANAGED_BY, EcoKubeKeys.MANAGED_BY_VALUE);
    labels.put(EcoKubeKeys.TASK_ID, s.task.stored.key());
    labels.put(INDEX, Integer.toString(s.index));
    labels.put(ATTEMPT, Integer.toString(s.attempt));
    Map<String, String> annotations = new HashMap<>();
    if (tm != null && tm.getAnnotations() != null) {
      annotations.putAll(tm.getAnnotations());
    }
    annotations.put("ecokube.io/task", s.task.id());
    // A copy through JSON: the template is shared by every worker and must not change.
    V1PodSpec spec =
        io.kubernetes.client.openapi.JSON.deserialize(
            io.kubernetes.client.openapi.JSON.serialize(template.getSpec()), V1PodSpec.class);
    spec.restartPolicy("Never");
    settings.timeToLive().ifPresent(ttl -> spec.activeDeadlineSeconds(ttl.getSeconds()));
    for (V1Container c : spec.getContainers()) {
      c.addEnvItem(new V1EnvVar().name("ECOKUBE_TASK_ID").value(s.task.id()));
      c.addEnvItem(new V1EnvVar().name("ECOKUBE_TASK_INDEX").value(Integer.toString(s.index)));
    }
    return new V1Pod()
        .apiVersion("v1")
        .kind("Pod")
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace(settings.namespace())
                .labels(labels)
                .annotations(annotations))
        .spec(spec);
  }

  private static String phase(V1Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  private void observed(V1Pod p) {
    String phase = phase(p);
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      return;
    }
    String name = p.getMetadata().getName();
    worker.execute(
        () -> {
          Slot s = running.get(name);
          if (s != null) {
            ended(s, phase);
            fill();
            done(s.task);
          }
        });
  }

  /** A running worker's pod deleted by someone else: that attempt failed. */
  private void deleted(V1Pod p) {
    String name = p.getMetadata().getName();
    worker.execute(
        () -> {
          Slot s = running.get(name);
          if (s != null && !s.task.finishing) {
            LOG.warn("task {}: worker pod {} was deleted while running", s.task.id(), name);
            ended(s, "Failed");
            fill();
            done(s.task);
          }
        });
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
          RETRY_FINISH);
      worker.schedule(() -> finish(t), RETRY_FINISH.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    for (Slot s : t.slots) {
      if (s.pod != null) {
        delete(s.pod);
      }
      if (s.stale != null) {
        delete(s.stale);
      }
    }
    tasks.remove(t.stored.key());
  }

  /** Deletes finished records older than the retention. */
  private void expire() {
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

  private void delete(String name) {
    try {
      core.deleteNamespacedPod(name, settings.namespace()).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        LOG.warn(
            "deleting worker pod {}/{} failed: HTTP {}", settings.namespace(), name, e.getCode());
      }
    } catch (RuntimeException e) {
      // The answer to a delete may be a Status rather than the Pod; the pod is gone either way.
      LOG.debug("delete of {} answered with an unexpected body", name);
    }
  }

  /** Tasks running now, adopted ones included (for health, metrics and tests). */
  public int activeTasks() {
    CompletableFuture<Integer> f = new CompletableFuture<>();
    worker.execute(() -> f.complete(tasks.size()));
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
