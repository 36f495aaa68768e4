package io.ecokube.kubernetes.task;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.ecokube.kubernetes.rbac.KubernetesAccess.Scope;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tasks recorded in the cluster, one ConfigMap each ({@code ecokube-task-<key>}): the record is
 * written before the event is acknowledged, so a task outlives the replica that accepted it, and
 * its name comes from the task id, so a second create of the same task fails with 409 instead of
 * making a second task. A finished task's record stays (marked with its outcome) for the retention
 * time, so a late redelivery of its event is still recognised.
 */
@KubernetesAccess(
    resources = "configmaps",
    verbs = {"create", "get", "list", "update", "delete"},
    scope = Scope.NAMESPACE,
    feature = "task-pods")
final class TaskRecords {
  /** Label on task record ConfigMaps. */
  static final String RECORD_LABEL = "ecokube.io/task-record";

  private static final Gson GSON = new Gson();

  private final CoreV1Api core;
  private final String namespace;

  TaskRecords(CoreV1Api core, String namespace) {
    this.core = core;
    this.namespace = namespace;
  }

  /**
   * A stored task.
   *
   * @param taskId the producer's id
   * @param key the names' key ({@link TaskNames#key})
   * @param workload the workload whose template its pods use
   * @param podCount how many workers it runs
   * @param attributes the event's other fields
   * @param finishedAt when it finished; empty while it runs
   */
  record Stored(
      String taskId,
      String key,
      String workload,
      int podCount,
      Map<String, String> attributes,
      Optional<Instant> finishedAt) {}

  /**
   * Records a task; false when a record of the same task exists already (it was accepted before).
   */
  boolean create(ScaleEvent event, Instant now) throws ApiException {
    String key = TaskNames.key(event.taskId());
    Map<String, String> data = new HashMap<>();
    data.put("taskId", event.taskId());
    data.put("workload", event.workload());
    data.put("podCount", Integer.toString(event.podCount()));
    data.put("attributes", GSON.toJson(event.attributes()));
    data.put("acceptedAt", now.toString());
    V1ConfigMap cm =
        new V1ConfigMap()
            .apiVersion("v1")
            .kind("ConfigMap")
            .metadata(
                new V1ObjectMeta()
                    .name(TaskNames.record(key))
                    .namespace(namespace)
                    .labels(
                        Map.of(
                            EcoKubeKeys.MANAGED_BY,
                            EcoKubeKeys.MANAGED_BY_VALUE,
                            RECORD_LABEL,
                            "true",
                            EcoKubeKeys.TASK_ID,
                            key)))
            .data(data);
    try {
      core.createNamespacedConfigMap(namespace, cm).execute();
      return true;
    } catch (ApiException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /** Every task record in the namespace; records that cannot be read are skipped with a reason. */
  List<Stored> list(java.util.function.BiConsumer<String, String> unreadable) throws ApiException {
    List<Stored> out = new ArrayList<>();
    for (V1ConfigMap cm :
        core.listNamespacedConfigMap(namespace)
            .labelSelector(RECORD_LABEL + "=true")
            .execute()
            .getItems()) {
      String name = cm.getMetadata().getName();
      Map<String, String> d = cm.getData() == null ? Map.of() : cm.getData();
      try {
        String taskId = required(d, "taskId");
        Map<String, String> attributes =
            GSON.fromJson(
                d.getOrDefault("attributes", "{}"),
                new TypeToken<Map<String, String>>() {}.getType());
        out.add(
            new Stored(
                taskId,
                TaskNames.key(taskId),
                required(d, "workload"),
                Integer.parseInt(required(d, "podCount")),
                attributes == null ? Map.of() : attributes,
                Optional.ofNullable(d.get("finishedAt")).map(Instant::parse)));
      } catch (RuntimeException e) {
        unreadable.accept(name, e.getMessage());
      }
    }
    return out;
  }

  private static String required(Map<String, String> d, String key) {
    String v = d.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("data." + key + " is missing");
    }
    return v;
  }

  /**
   * Marks a task finished with its outcome. The replace carries the version just read, so a
   * concurrent writer makes it fail (409) rather than be overwritten.
   */
  void finish(Stored s, TaskOutcome o, Instant now) throws ApiException {
    V1ConfigMap cm = core.readNamespacedConfigMap(TaskNames.record(s.key()), namespace).execute();
    Map<String, String> data = new HashMap<>(cm.getData() == null ? Map.of() : cm.getData());
    data.put("finishedAt", now.toString());
    data.put(
        "outcome",
        "succeeded=" + o.succeeded() + " failed=" + o.failed() + " retries=" + o.retries());
    core.replaceNamespacedConfigMap(TaskNames.record(s.key()), namespace, cm.data(data)).execute();
  }

  /** Deletes a record; one already gone is fine. */
  void delete(String key) throws ApiException {
    try {
      core.deleteNamespacedConfigMap(TaskNames.record(key), namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    } catch (RuntimeException e) {
      // The answer to a delete may be a Status rather than the object; it is gone either way.
    }
  }
}
