package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.openapi.models.V1Toleration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The powered-off mark is the last step before a driver's power-off, and it looks at the node's
 * pods on the API server, not in the informer cache: a pod bound after the engine's snapshot (here
 * the cache never sees anything, its informers are not started) refuses the mark, and the engine
 * does not call the driver.
 */
@Timeout(60)
class LastLookIT {
  private FakeApiServer api;
  private KubernetesClusterView staleView;
  private KubernetesActuator actuator;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-04T10:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    api = new FakeApiServer();
    // Never started: its cache is the engine's old snapshot in which worker-1 was empty.
    staleView =
        new KubernetesClusterView(
            api.client, Map.of(), clock, Duration.ZERO, NodeHintPolicy.DEFAULT);
    actuator =
        new KubernetesActuator(
            api.client, staleView, clock, Duration.ofMillis(10), Duration.ofMillis(10));
    api.createNode("worker-1", true, Map.of(), Map.of());
    actuator.cordon("worker-1");
  }

  @AfterEach
  void stop() {
    staleView.close();
    api.close();
  }

  private List<String> taintKeys() throws Exception {
    V1Node n = api.core.readNode("worker-1").execute();
    return n.getSpec() == null || n.getSpec().getTaints() == null
        ? List.of()
        : n.getSpec().getTaints().stream().map(V1Taint::getKey).toList();
  }

  @Test
  void podBoundAfterTheSnapshotRefusesTheMarkAndLeavesNoTaint() throws Exception {
    api.createRunningPod("shop", "late-1", "worker-1");
    assertThatThrownBy(() -> actuator.markPoweredOff("worker-1", true))
        .isInstanceOf(ActuatorException.class)
        .hasMessageContaining("worker-1")
        .hasMessageContaining("shop/late-1");
    assertThat(taintKeys()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
  }

  @Test
  void pendingPodThatToleratesEverythingRefusesTheMark() throws Exception {
    V1Pod p =
        new V1Pod()
            .apiVersion("v1")
            .kind("Pod")
            .metadata(new V1ObjectMeta().name("anywhere").namespace("ops"))
            .spec(
                new V1PodSpec()
                    .containers(List.of(new V1Container().name("c")))
                    .tolerations(List.of(new V1Toleration().operator("Exists"))))
            .status(new V1PodStatus().phase("Pending"));
    api.core.createNamespacedPod("ops", p).execute();
    assertThatThrownBy(() -> actuator.markPoweredOff("worker-1", true))
        .hasMessageContaining("ops/anywhere")
        .hasMessageContaining("tolerates");
    assertThat(taintKeys()).doesNotContain(EcoKubeKeys.POWERED_OFF_TAINT);
  }

  @Test
  void daemonSetAndMirrorPodsAndOtherNodesPodsDoNotBlock() throws Exception {
    api.createNode("worker-2", true, Map.of(), Map.of());
    api.createRunningPod("shop", "elsewhere", "worker-2");
    V1Pod mirror =
        new V1Pod()
            .apiVersion("v1")
            .kind("Pod")
            .metadata(
                new V1ObjectMeta()
                    .name("static-1")
                    .namespace("kube-system")
                    .annotations(Map.of(EcoKubeKeys.MIRROR_POD, "x")))
            .spec(
                new V1PodSpec()
                    .nodeName("worker-1")
                    .containers(List.of(new V1Container().name("c"))))
            .status(new V1PodStatus().phase("Running"));
    api.core.createNamespacedPod("kube-system", mirror).execute();
    actuator.markPoweredOff("worker-1", true);
    assertThat(taintKeys()).contains(EcoKubeKeys.POWERED_OFF_TAINT);
  }
}
