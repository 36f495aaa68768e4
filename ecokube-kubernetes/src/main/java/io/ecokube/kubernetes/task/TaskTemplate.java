package io.ecokube.kubernetes.task;

import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * What a task's worker pods are made from: a pod template given inline (the controller builds it
 * from its config: image, resources, tolerations) or the name of a PodTemplate object in the task
 * namespace, read when the task starts.
 *
 * @param podTemplateName a PodTemplate in the task namespace; empty when inline
 * @param inline the pod template itself; empty when named
 */
public record TaskTemplate(Optional<String> podTemplateName, Optional<V1PodTemplateSpec> inline) {
  /** Validates: exactly one of the two. */
  public TaskTemplate {
    Objects.requireNonNull(podTemplateName, "podTemplateName");
    Objects.requireNonNull(inline, "inline");
    if (podTemplateName.isPresent() == inline.isPresent()) {
      throw new IllegalArgumentException(
          "a task template is either a PodTemplate name or an inline pod template, not both or"
              + " neither");
    }
    if (inline.isPresent() && inline.get().getSpec() == null) {
      throw new IllegalArgumentException("an inline task template needs a pod spec");
    }
  }

  /** Pods from the PodTemplate object of this name in the task namespace. */
  public static TaskTemplate named(String podTemplate) {
    if (podTemplate == null || podTemplate.isBlank()) {
      throw new IllegalArgumentException("a PodTemplate name must not be blank");
    }
    return new TaskTemplate(Optional.of(podTemplate), Optional.empty());
  }

  /** Pods from this template. */
  public static TaskTemplate inline(V1PodTemplateSpec template) {
    return new TaskTemplate(Optional.empty(), Optional.of(template));
  }

  @Override
  public String toString() {
    return podTemplateName.map(n -> "PodTemplate " + n).orElse("inline pod template");
  }
}
