package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AutoscalingV2Api;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * For workloads that an existing HorizontalPodAutoscaler (or KEDA, which drives one named {@code
 * keda-hpa-<scaledobject>}) already scales: Eco-Kube reads the HPA's desired replicas, so the
 * engine plans nodes for what the HPA is about to ask, and never writes replicas itself (two
 * writers would fight). {@link #scale} therefore refuses with a message naming the HPA.
 */
@KubernetesAccess(
    group = "autoscaling",
    resources = "horizontalpodautoscalers",
    verbs = "list",
    feature = "workload-scaling")
public final class HpaReplicaSource implements WorkloadScaler {
  private final AutoscalingV2Api api;

  /** Creates a source (needs 'list' on horizontalpodautoscalers). */
  public HpaReplicaSource(ApiClient client) {
    this.api = new AutoscalingV2Api(Objects.requireNonNull(client, "client"));
  }

  @Override
  public void scale(WorkloadRef workload, int replicas) throws ActuatorException {
    String owner = hpaFor(workload).map(h -> "HPA " + h.getMetadata().getName()).orElse("no HPA");
    throw new ActuatorException(
        workload
            + " is scaled by "
            + owner
            + "; Eco-Kube only reads its desired replicas here. Use KubernetesWorkloadScaler to let"
            + " Eco-Kube scale it instead (and remove the HPA/ScaledObject).");
  }

  @Override
  public OptionalInt replicas(WorkloadRef workload) throws ActuatorException {
    var hpa = hpaFor(workload);
    if (hpa.isEmpty()) {
      return OptionalInt.empty();
    }
    var status = hpa.get().getStatus();
    if (status == null || status.getDesiredReplicas() == null) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(status.getDesiredReplicas());
  }

  private java.util.Optional<V2HorizontalPodAutoscaler> hpaFor(WorkloadRef w)
      throws ActuatorException {
    try {
      return api.listNamespacedHorizontalPodAutoscaler(w.namespace()).execute().getItems().stream()
          .filter(
              h ->
                  h.getSpec() != null
                      && h.getSpec().getScaleTargetRef() != null
                      && w.kind().equals(h.getSpec().getScaleTargetRef().getKind())
                      && w.name().equals(h.getSpec().getScaleTargetRef().getName()))
          .findFirst();
    } catch (ApiException e) {
      throw ApiErrors.actuator("reading the HorizontalPodAutoscalers of " + w, e);
    }
  }
}
