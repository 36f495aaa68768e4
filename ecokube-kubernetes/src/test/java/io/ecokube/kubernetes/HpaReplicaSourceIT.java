package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.WorkloadRef;
import io.kubernetes.client.openapi.apis.AutoscalingV2Api;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V2CrossVersionObjectReference;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscalerSpec;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscalerStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HpaReplicaSourceIT {
  @Test
  void readsDesiredReplicasOfTheHpaThatTargetsTheWorkloadAndNeverScales() throws Exception {
    try (FakeApiServer api = new FakeApiServer()) {
      new AutoscalingV2Api(api.client)
          .createNamespacedHorizontalPodAutoscaler(
              "work",
              new V2HorizontalPodAutoscaler()
                  .apiVersion("autoscaling/v2")
                  .kind("HorizontalPodAutoscaler")
                  .metadata(new V1ObjectMeta().name("keda-hpa-consumer").namespace("work"))
                  .spec(
                      new V2HorizontalPodAutoscalerSpec()
                          .maxReplicas(20)
                          .scaleTargetRef(
                              new V2CrossVersionObjectReference()
                                  .apiVersion("apps/v1")
                                  .kind("Deployment")
                                  .name("consumer")))
                  .status(
                      new V2HorizontalPodAutoscalerStatus().desiredReplicas(6).currentReplicas(2)))
          .execute();
      HpaReplicaSource source = new HpaReplicaSource(api.client);
      assertThat(source.replicas(WorkloadRef.deployment("work", "consumer"))).hasValue(6);
      assertThat(source.replicas(WorkloadRef.deployment("work", "other"))).isEmpty();
      assertThatThrownBy(() -> source.scale(WorkloadRef.deployment("work", "consumer"), 3))
          .isInstanceOf(ActuatorException.class)
          .hasMessageContaining("HPA keda-hpa-consumer");
    }
  }
}
