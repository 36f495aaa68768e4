package io.ecokube.kubernetes.task;

import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplate;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker pods themselves: resolving a workload's template, building a worker's pod from it
 * (labels, environment, restart policy, deadline), and the create, read, list and delete calls.
 * Everything here is one API call or none; what to do with the answer is {@link TaskWorkers}'s.
 */
@KubernetesAccess(
    resources = "pods",
    verbs = {"create", "get", "delete", "list"},
    scope = Scope.NAMESPACE,
    feature = "task-pods")
@KubernetesAccess(
    resources = "podtemplates",
    verbs = "get",
    scope = Scope.NAMESPACE,
    feature = "task-pods")
final class TaskPods {
  // The runner's logger: operators tune task logging under one name, however the code is split.
  private static final Logger LOG = LoggerFactory.getLogger(TaskPodRunner.class);

  private final CoreV1Api core;
  private final TaskPodSettings settings;

  TaskPods(CoreV1Api core, TaskPodSettings settings) {
    this.core = core;
    this.settings = settings;
  }

  /**
   * The pod template of a workload's tasks: the inline one, or the named PodTemplate read now.
   *
   * @throws IllegalStateException when the workload has no template any more or the PodTemplate
   *     cannot be read or has no spec; the message says which
   */
  V1PodTemplateSpec template(String workload) {
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

  /** Creates worker {@code index}'s pod for {@code attempt}, named {@code name}. */
  void create(
      V1PodTemplateSpec template, String taskId, String key, int index, int attempt, String name)
      throws ApiException {
    core.createNamespacedPod(settings.namespace(), pod(template, taskId, key, index, attempt, name))
        .execute();
  }

  /** Every pod this controller manages in the namespace (workers among them). */
  List<V1Pod> listManaged() throws ApiException {
    return core.listNamespacedPod(settings.namespace())
        .labelSelector(EcoKubeKeys.MANAGED_BY + "=" + EcoKubeKeys.MANAGED_BY_VALUE)
        .execute()
        .getItems();
  }

  /** A pod's phase read now; null when it cannot be read (then it counts as still running). */
  String readPhase(String name) {
    try {
      return phase(core.readNamespacedPod(name, settings.namespace()).execute());
    } catch (ApiException e) {
      return null;
    }
  }

  /** Deletes a worker pod; one already gone is fine, another failure is logged. */
  void delete(String name) {
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

  static String phase(V1Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  /** An integer label of a pod; null when absent or not a number. */
  static Integer label(V1Pod p, String name) {
    try {
      return Integer.valueOf(p.getMetadata().getLabels().get(name));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private V1Pod pod(
      V1PodTemplateSpec template, String taskId, String key, int index, int attempt, String name) {
    V1ObjectMeta tm = template.getMetadata();
    Map<String, String> labels = new HashMap<>();
    if (tm != null && tm.getLabels() != null) {
      labels.putAll(tm.getLabels());
    }
    labels.put(EcoKubeKeys.MANAGED_BY, EcoKubeKeys.MANAGED_BY_VALUE);
    labels.put(EcoKubeKeys.TASK_ID, key);
    labels.put(TaskPodRunner.INDEX, Integer.toString(index));
    labels.put(TaskPodRunner.ATTEMPT, Integer.toString(attempt));
    Map<String, String> annotations = new HashMap<>();
    if (tm != null && tm.getAnnotations() != null) {
      annotations.putAll(tm.getAnnotations());
    }
    annotations.put("ecokube.io/task", taskId);
    // A copy through JSON: the template is shared by every worker and must not change.
    V1PodSpec spec = JSON.deserialize(JSON.serialize(template.getSpec()), V1PodSpec.class);
    spec.restartPolicy("Never");
    settings.timeToLive().ifPresent(ttl -> spec.activeDeadlineSeconds(ttl.getSeconds()));
    for (V1Container c : spec.getContainers()) {
      c.addEnvItem(new V1EnvVar().name("ECOKUBE_TASK_ID").value(taskId));
      c.addEnvItem(new V1EnvVar().name("ECOKUBE_TASK_INDEX").value(Integer.toString(index)));
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
}
