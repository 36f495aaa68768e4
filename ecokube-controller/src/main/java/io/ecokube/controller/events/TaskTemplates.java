package io.ecokube.controller.events;

import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.node.Toleration;
import io.ecokube.config.ScaleEvents;
import io.ecokube.kubernetes.task.TaskTemplate;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A config {@code tasks.workloads.X} entry as the task runner's {@link TaskTemplate}. */
final class TaskTemplates {
  private TaskTemplates() {}

  static TaskTemplate of(String workload, ScaleEvents.TaskPod pod) {
    if (pod.podTemplate().isPresent()) {
      return TaskTemplate.named(pod.podTemplate().get());
    }
    V1Container c =
        new V1Container()
            .name("worker")
            .image(pod.image().orElseThrow())
            .resources(
                new V1ResourceRequirements()
                    .requests(quantities(pod.requests()))
                    .limits(pod.limits().isEmpty() ? null : quantities(pod.limits())));
    if (!pod.command().isEmpty()) {
      c.command(pod.command());
    }
    if (!pod.args().isEmpty()) {
      c.args(pod.args());
    }
    pod.env().forEach((k, v) -> c.addEnvItem(new V1EnvVar().name(k).value(v)));
    V1PodSpec spec = new V1PodSpec().containers(List.of(c));
    pod.tolerations().forEach(t -> spec.addTolerationsItem(toleration(t)));
    if (!pod.nodeSelector().isEmpty()) {
      spec.nodeSelector(pod.nodeSelector());
    }
    return TaskTemplate.inline(
        new V1PodTemplateSpec()
            .metadata(new V1ObjectMeta().labels(Map.of("app.kubernetes.io/name", label(workload))))
            .spec(spec));
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, Quantity.fromString(v)));
    return out;
  }

  private static V1Toleration toleration(Toleration t) {
    V1Toleration v = new V1Toleration();
    t.key().ifPresent(v::key);
    if (t.operator() == Toleration.Operator.EXISTS) {
      v.operator("Exists");
    } else {
      v.operator("Equal").value(t.value());
    }
    t.effect().ifPresent(e -> v.effect(effect(e)));
    return v;
  }

  private static String effect(TaintEffect e) {
    return switch (e) {
      case NO_SCHEDULE -> "NoSchedule";
      case PREFER_NO_SCHEDULE -> "PreferNoSchedule";
      case NO_EXECUTE -> "NoExecute";
    };
  }

  /** A workload name as a label value (63 characters of {@code [A-Za-z0-9._-]}). */
  private static String label(String workload) {
    String v = workload.replaceAll("[^A-Za-z0-9._-]", "-");
    v = v.length() > 63 ? v.substring(0, 63) : v;
    return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
  }
}
