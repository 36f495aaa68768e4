package io.ecokube.kubernetes.task;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1PodTemplate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks as worker pods (the event-driven worker pattern). A {@link ScaleEvent} of type
 * SCALE_UP whose workload names a configured PodTemplate creates {@code podCount} pods from that
 * template, labelled {@code app.kubernetes.io/managed-by=ecokube} and {@code
 * ecokube.io/task-id=<taskId>}, with restartPolicy Never. An informer watches them: a Succeeded pod
 * is counted and deleted; a Failed pod, or one that could not be created, is retried up to {@code
 * maxAttempts}; when every worker has ended, the {@link TaskOutcome} goes to the listener.
 *
 * <p>At most {@code maxPods} workers exist at once across all tasks; the rest wait their turn.
 * Events are idempotent by task id. {@link #start()} deletes worker pods left by an earlier
 * controller (their tasks' bookkeeping died with it). Pending worker pods are demand like any other
 * pod: the cluster view sees them and the engine wakes nodes for them. All API calls run on one
 * named thread ({@code ecokube-tasks}), never on the caller's.
 */
@KubernetesAccess(
    resources = "pods",
    verbs = {"create", "delete", "list", "watch"},
    scope = Scope.NAMESPACE,
    feature = "task-pods")
@KubernetesAccess(
    resources = "podtemplates",
    verbs = "get",
    scope = Scope.NAMESPACE,
    feature = "task-pods")
public final class TaskPodRunner implements ScaleEventHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);
  private static final String INDEX = "ecokube.io/task-index";

  private final CoreV1Api core;
  private final String namespace;
  private final Map<String, String> templates;
  private final int maxPods;
  private final int maxAttempts;
  private final Consumer<TaskOutcome> listener;
  private final ExecutorService worker;
  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1Pod> pods;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  // Confined to the worker thread.
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Deque<Slot> waiting = new ArrayDeque<>();
  private final Map<String, Slot> running = new HashMap<>();

  /**
   * Creates a runner; call {@link #start()}.
   *
   * @param client the API client (needs create, delete, list, watch on pods and get on podtemplates
   *     in the namespace)
   * @param namespace where worker pods run
   * @param templates workload name (as in scale events) to PodTemplate name in the namespace
   * @param maxPods how many worker pods may exist at once, > 0
   * @param maxAttempts attempts per worker, > 0
   * @param listener receives each task's outcome (on the runner's thread)
   */
  public TaskPodRunner(
      ApiClient client,
      String namespace,
      Map<String, String> templates,
      int maxPods,
      int maxAttempts,
      Consumer<TaskOutcome> listener) {
    if (maxPods <= 0 || maxAttempts <= 0) {
      throw new IllegalArgumentException(
          "task pods: maxPods and maxAttempts must be > 0, got " + maxPods + " and " + maxAttempts);
    }
    this.core = new CoreV1Api(Objects.requireNonNull(client, "client"));
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.templates = Map.copyOf(templates);
    this.maxPods = maxPods;
    this.maxAttempts = maxAttempts;
    this.listener = Objects.requireNonNull(listener, "listener");
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-tasks");
              t.setDaemon(true);
              return t;
            });
    this.factory = new SharedInformerFactory(client);
    this.pods =
        factory.sharedIndexInformerFor(
            new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client),
            V1Pod.class,
            0,
            namespace);
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
          public void onDelete(V1Pod obj, boolean deletedFinalStateUnknown) {}
        });
  }

  /** Deletes leftover worker pods of an earlier controller, then starts watching. */
  public void start() {
    worker.execute(this::cleanupLeftovers);
    factory.startAllRegisteredInformers();
  }

  @Override
  public Acceptance accept(ScaleEvent event) {
    if (event.type() != ScaleEvent.Type.SCALE_UP) {
      return Acceptance.REJECTED;
    }
    String template = templates.get(event.workload());
    if (template == null) {
      LOG.warn(
          "scale event for task {} names workload '{}', which has no PodTemplate configured (known: {})",
          event.taskId(),
          event.workload(),
          templates.keySet());
      return Acceptance.REJECTED;
    }
    if (!seen.add(event.taskId())) {
      return Acceptance.DUPLICATE;
    }
    worker.execute(() -> begin(event, template));
    return Acceptance.ACCEPTED;
  }

  private void cleanupLeftovers() {
    try {
      V1PodList left =
          core.listNamespacedPod(namespace)
              .labelSelector(EcoKubeKeys.MANAGED_BY + "=" + EcoKubeKeys.MANAGED_BY_VALUE)
              .execute();
      for (V1Pod p : left.getItems()) {
        if (p.getMetadata().getLabels() != null
            && p.getMetadata().getLabels().containsKey(EcoKubeKeys.TASK_ID)) {
          LOG.info(
              "deleting leftover worker pod {} of an earlier controller",
              p.getMetadata().getName());
          delete(p.getMetadata().getName());
        }
      }
    } catch (ApiException e) {
      LOG.warn("listing leftover worker pods in {} failed: HTTP {}", namespace, e.getCode());
    }
  }

  private void begin(ScaleEvent event, String templateName) {
    V1PodTemplateSpec template;
    try {
      V1PodTemplate t = core.readNamespacedPodTemplate(templateName, namespace).execute();
      template = t.getTemplate();
      if (template == null || template.getSpec() == null) {
        throw new IllegalStateException(
            "PodTemplate " + namespace + "/" + templateName + " has no template.spec");
      }
    } catch (ApiException | IllegalStateException e) {
      String why = e instanceof ApiException a ? "HTTP " + a.getCode() : e.getMessage();
      LOG.warn(
          "task {}: PodTemplate {}/{} unreadable ({})",
          event.taskId(),
          namespace,
          templateName,
          why);
      listener.accept(new TaskOutcome(event.taskId(), event.podCount(), 0, event.podCount(), 0));
      return;
    }
    Task task = new Task(event.taskId(), event.podCount(), template);
    tasks.put(task.id, task);
    for (int i = 0; i < event.podCount(); i++) {
      waiting.add(new Slot(task, i));
    }
    fill();
  }

  /** Creates waiting workers while fewer than maxPods run. */
  private void fill() {
    while (running.size() < maxPods && !waiting.isEmpty()) {
      Slot s = waiting.poll();
      s.attempt++;
      String name = podName(s);
      V1Pod pod = pod(s, name);
      try {
        core.createNamespacedPod(namespace, pod).execute();
        running.put(name, s);
      } catch (ApiException e) {
        LOG.warn("task {}: creating worker {} failed: HTTP {}", s.task.id, name, e.getCode());
        ended(s, false);
      }
    }
  }

  private V1Pod pod(Slot s, String name) {
    V1ObjectMeta tm = s.task.template.getMetadata();
    Map<String, String> labels = new HashMap<>();
    if (tm != null && tm.getLabels() != null) {
      labels.putAll(tm.getLabels());
    }
    labels.put(EcoKubeKeys.MANAGED_BY, EcoKubeKeys.MANAGED_BY_VALUE);
    labels.put(EcoKubeKeys.TASK_ID, labelValue(s.task.id));
    labels.put(INDEX, Integer.toString(s.index));
    return new V1Pod()
        .apiVersion("v1")
        .kind("Pod")
        .metadata(
            new V1ObjectMeta()
                .name(name)
                .namespace(namespace)
                .labels(labels)
                .annotations(tm == null ? null : tm.getAnnotations()))
        .spec(s.task.template.getSpec().restartPolicy("Never"));
  }

  private void observed(V1Pod p) {
    var meta = p.getMetadata();
    if (meta == null
        || meta.getLabels() == null
        || !meta.getLabels().containsKey(EcoKubeKeys.TASK_ID)) {
      return;
    }
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      return;
    }
    String name = meta.getName();
    worker.execute(
        () -> {
          Slot s = running.remove(name);
          if (s == null) {
            return;
          }
          delete(name);
          ended(s, "Succeeded".equals(phase));
          fill();
        });
  }

  private void ended(Slot s, boolean ok) {
    Task t = s.task;
    if (ok) {
      t.succeeded++;
    } else if (s.attempt < maxAttempts) {
      t.retries++;
      waiting.addFirst(s);
      return;
    } else {
      t.failed++;
    }
    if (t.succeeded + t.failed == t.podCount) {
      tasks.remove(t.id);
      TaskOutcome o = new TaskOutcome(t.id, t.podCount, t.succeeded, t.failed, t.retries);
      LOG.info("task {} finished: {}", t.id, o);
      try {
        listener.accept(o);
      } catch (RuntimeException e) {
        LOG.warn("task outcome listener failed: {}", e.toString());
      }
    }
  }

  private void delete(String name) {
    try {
      core.deleteNamespacedPod(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        LOG.warn("deleting worker pod {}/{} failed: HTTP {}", namespace, name, e.getCode());
      }
    } catch (RuntimeException e) {
      // The answer to a delete may be a Status rather than the Pod; the pod is gone either way.
      LOG.debug("delete of {} answered with an unexpected body", name);
    }
  }

  private static String podName(Slot s) {
    String base = labelValue(s.task.id).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    return "task-" + base + "-" + s.index + "-" + s.attempt;
  }

  private static String labelValue(String id) {
    String v = id.replaceAll("[^A-Za-z0-9._-]", "-");
    v = v.length() > 63 ? v.substring(0, 63) : v;
    return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "x");
  }

  /** Tasks still running (for health and tests). */
  public int activeTasks() throws InterruptedException {
    var f = new java.util.concurrent.CompletableFuture<Integer>();
    worker.execute(() -> f.complete(tasks.size()));
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("task runner did not answer", e);
    }
  }

  @Override
  public void close() {
    factory.stopAllRegisteredInformers(true);
    worker.shutdownNow();
  }

  private static final class Task {
    final String id;
    final int podCount;
    final V1PodTemplateSpec template;
    int succeeded;
    int failed;
    int retries;

    Task(String id, int podCount, V1PodTemplateSpec template) {
      this.id = id;
      this.podCount = podCount;
      this.template = template;
    }
  }

  private static final class Slot {
    final Task task;
    final int index;
    int attempt;

    Slot(Task task, int index) {
      this.task = task;
      this.index = index;
    }
  }
}
