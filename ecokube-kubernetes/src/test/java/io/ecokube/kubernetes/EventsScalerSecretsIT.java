package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.plan.ActionOutcome;
import io.ecokube.api.plan.ActionType;
import io.ecokube.api.plan.HeldBack;
import io.ecokube.api.plan.Plan;
import io.ecokube.api.plan.PlannedAction;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.CoreV1Event;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventsScalerSecretsIT {
  private FakeApiServer api;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));

  @BeforeEach
  void start() {
    api = new FakeApiServer();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void everyDecisionOutcomeAndTransitionBecomesAnEvent() throws Exception {
    V1ObjectReference self =
        new V1ObjectReference()
            .apiVersion("apps/v1")
            .kind("Deployment")
            .namespace("ecokube")
            .name("ecokube-controller");
    try (KubernetesEventRecorder rec =
        new KubernetesEventRecorder(
            api.client, Set.of("worker-1", "worker-2")::contains, self, "replica-a", 100)) {
      PlannedAction wake =
          new PlannedAction("worker-2", ActionType.WAKE, "3 pending pods (6 CPU) do not fit");
      rec.onPlan(
          new Plan(
              clock.now(),
              List.of(wake),
              List.of(new HeldBack("pool batch", ActionType.WAKE, "power cap 800 W reached"))));
      rec.onOutcome(
          new ActionOutcome(
              wake,
              ActionOutcome.Result.FAILED,
              Optional.of("wol"),
              "no Ready within 300 s",
              clock.now()));
      rec.onTransition(
          new NodeTransition(
              "worker-1",
              NodeLifecycle.ACTIVE,
              NodeLifecycle.DRAINING,
              clock.now(),
              "idle 20 min"));
      await().until(() -> rec.posted() == 4);
      assertThat(rec.dropped()).isZero();
      assertThat(rec.failed()).isZero();
    }
    List<CoreV1Event> nodeEvents = api.core.listNamespacedEvent("default").execute().getItems();
    assertThat(nodeEvents)
        .extracting(CoreV1Event::getReason)
        .containsExactlyInAnyOrder("WakeNode", "WakeFailed", "PowerStateDraining");
    CoreV1Event failed =
        nodeEvents.stream()
            .filter(e -> e.getReason().equals("WakeFailed"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.getType()).isEqualTo("Warning");
    assertThat(failed.getInvolvedObject().getKind()).isEqualTo("Node");
    assertThat(failed.getInvolvedObject().getName()).isEqualTo("worker-2");
    assertThat(failed.getMessage()).contains("no Ready within 300 s").contains("driver wol");
    List<CoreV1Event> own = api.core.listNamespacedEvent("ecokube").execute().getItems();
    assertThat(own)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getReason()).isEqualTo("HeldBackWake");
              assertThat(e.getMessage()).isEqualTo("pool batch: power cap 800 W reached");
              assertThat(e.getInvolvedObject().getName()).isEqualTo("ecokube-controller");
            });
  }

  @Test
  void aReasonRepeatedEveryReconcileIsOneEventWithACount() throws Exception {
    V1ObjectReference self =
        new V1ObjectReference()
            .apiVersion("apps/v1")
            .kind("Deployment")
            .namespace("ecokube")
            .name("ecokube-controller");
    int ticks = 12;
    try (KubernetesEventRecorder rec =
        new KubernetesEventRecorder(api.client, "worker-2"::equals, self, "replica-a", 100)) {
      for (int i = 1; i <= ticks; i++) {
        // The message changes (the cap's reading); the reason does not.
        rec.onPlan(
            new Plan(
                clock.now(),
                List.of(),
                List.of(
                    new HeldBack("worker-2", ActionType.WAKE, "power cap: " + (700 + i) + " W"))));
        int sent = i;
        // One at a time, as reconciles come: each waits for the previous to be posted.
        await().until(() -> rec.posted() == sent);
      }
      rec.onPlan(
          new Plan(
              clock.now(),
              List.of(new PlannedAction("worker-2", ActionType.WAKE, "3 pods pending")),
              List.of()));
      await().until(() -> rec.posted() == ticks + 1);
      assertThat(rec.failed()).isZero();
    }
    List<CoreV1Event> events = api.core.listNamespacedEvent("default").execute().getItems();
    assertThat(events)
        .extracting(CoreV1Event::getReason)
        .containsExactlyInAnyOrder("HeldBackWake", "WakeNode");
    CoreV1Event held =
        events.stream().filter(e -> e.getReason().equals("HeldBackWake")).findFirst().orElseThrow();
    assertThat(held.getCount()).isEqualTo(ticks);
    assertThat(held.getMessage()).isEqualTo("power cap: " + (700 + ticks) + " W");
    assertThat(held.getInvolvedObject().getName()).isEqualTo("worker-2");
    assertThat(held.getReportingInstance()).isEqualTo("replica-a");
  }

  @Test
  void fullQueueDropsInsteadOfBlocking() throws Exception {
    // An unreachable API server: port 9 on loopback refuses; posting fails, the queue fills.
    var dead =
        new io.kubernetes.client.util.ClientBuilder().setBasePath("http://127.0.0.1:9").build();
    try (KubernetesEventRecorder rec =
        new KubernetesEventRecorder(dead, n -> true, new V1ObjectReference().name("x"), "r", 2)) {
      PlannedAction a = new PlannedAction("n", ActionType.PROBE, "state unknown");
      for (int i = 0; i < 50; i++) {
        rec.onPlan(new Plan(clock.now(), List.of(a), List.of()));
      }
      assertThat(rec.dropped()).isPositive();
    }
  }

  @Test
  void scalesDeploymentsFallingBackFromTheScaleSubresource() throws Exception {
    AppsV1Api apps = new AppsV1Api(api.client);
    apps.createNamespacedDeployment(
            "work",
            new V1Deployment()
                .apiVersion("apps/v1")
                .kind("Deployment")
                .metadata(new V1ObjectMeta().name("consumer").namespace("work"))
                .spec(
                    new V1DeploymentSpec()
                        .replicas(1)
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "c")))
                        .template(new V1PodTemplateSpec())))
        .execute();
    WorkloadRef ref = WorkloadRef.deployment("work", "consumer");
    // The fake server answers /scale with the Deployment itself, which is not a Scale.
    KubernetesWorkloadScaler scaler =
        new KubernetesWorkloadScaler(api.client, KubernetesWorkloadScaler.Mode.SUBRESOURCE);
    assertThat(scaler.replicas(ref)).hasValue(1);
    assertThat(scaler.usesSubresource()).isFalse();
    scaler.scale(ref, 4);
    assertThat(apps.readNamespacedDeployment("consumer", "work").execute().getSpec().getReplicas())
        .isEqualTo(4);
    assertThat(scaler.replicas(WorkloadRef.deployment("work", "missing"))).isEmpty();
    assertThatThrownBy(() -> scaler.scale(new WorkloadRef("work", "Job", "x"), 1))
        .hasMessageContaining("only Deployment and StatefulSet");
  }

  @Test
  void scaleSubresourceIsUsedWhereServed() throws Exception {
    String scale =
        "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"web\","
            + "\"namespace\":\"work\"},\"spec\":{\"replicas\":%d},\"status\":{\"replicas\":%d}}";
    api.server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/work/deployments/web/scale")
        .andReturn(200, String.format(scale, 3, 3))
        .always();
    api.server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/work/deployments/web/scale")
        .andReturn(200, String.format(scale, 7, 3))
        .once();
    KubernetesWorkloadScaler scaler =
        new KubernetesWorkloadScaler(api.client, KubernetesWorkloadScaler.Mode.SUBRESOURCE);
    WorkloadRef ref = WorkloadRef.deployment("work", "web");
    assertThat(scaler.replicas(ref)).hasValue(3);
    scaler.scale(ref, 7);
    assertThat(scaler.usesSubresource()).isTrue();
    var req = api.server.takeRequest();
    while (!"PATCH".equals(req.getMethod())) {
      req = api.server.takeRequest();
    }
    assertThat(req.getPath()).endsWith("/deployments/web/scale");
    assertThat(req.getBody().readUtf8()).isEqualTo("{\"spec\":{\"replicas\":7}}");
  }

  @Test
  void resolvesSecretsByReferenceAndNeverShowsThem() throws Exception {
    api.core
        .createNamespacedSecret(
            "infra",
            new V1Secret()
                .apiVersion("v1")
                .kind("Secret")
                .metadata(new V1ObjectMeta().name("bmc").namespace("infra"))
                .data(Map.of("password", "s3cret!".getBytes(StandardCharsets.UTF_8))))
        .execute();
    KubernetesSecretResolver r =
        new KubernetesSecretResolver(api.client, SecretResolver.inMemory(Map.of("mem:x", "y")));
    Secret s = r.resolve(SecretRef.parse("k8s:infra/bmc/password"));
    assertThat(s.revealAsString()).isEqualTo("s3cret!");
    assertThat(s.toString()).doesNotContain("s3cret");
    assertThat(r.resolve(SecretRef.parse("mem:x")).revealAsString()).isEqualTo("y");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("k8s:infra/bmc/user")))
        .hasMessageContaining("no key 'user'")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("k8s:infra/nope/password")))
        .hasMessageContaining("infra/nope does not exist");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("k8s:bmc/password")))
        .hasMessageContaining("k8s:namespace/name/key");
  }
}
