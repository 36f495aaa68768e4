package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.apis.PolicyV1Api;
import io.kubernetes.client.openapi.models.V1EmptyDirVolumeSource;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudgetSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drains through the Eviction API: 429 from a PodDisruptionBudget, backoff, timeout, blockers. */
@Timeout(60)
class DrainIT {
  private static final String TOO_MANY =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"TooManyRequests\","
          + "\"message\":\"Cannot evict pod as it would violate the pod's disruption budget.\","
          + "\"code\":429}";
  private static final String OK =
      "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}";

  private FakeApiServer api;
  private KubernetesClusterView view;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = new FakeApiServer();
    api.createNode("w", true, Map.of(), Map.of());
    view =
        new KubernetesClusterView(
            api.client, Map.of(), clock, Duration.ZERO, NodeHintPolicy.DEFAULT);
    view.start();
    assertThat(view.awaitSynced(Duration.ofSeconds(10))).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    view.close();
    api.close();
  }

  private KubernetesActuator actuator() {
    return new KubernetesActuator(
        api.client,
        view,
        clock,
        Duration.ofSeconds(1),
        Duration.ofSeconds(8),
        d -> {
          waits.add(d);
          clock.advance(d);
          // Virtual backoff; a little real time lets the informer relist between attempts.
          Thread.sleep(150);
        });
  }

  @Test
  void refusedByBudgetUntilTimeoutReportsIncomplete() throws Exception {
    api.createRunningPod("default", "web-a", "w");
    await().until(() -> view.podsOnNode("w").size() == 1);
    api.server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-a/eviction")
        .andReturn(429, TOO_MANY)
        .always();

    DrainResult r = actuator().drain("w", Duration.ofSeconds(20));

    assertThat(r.complete()).isFalse();
    assertThat(r.remaining()).containsExactly("default/web-a");
    assertThat(r.detail()).contains("default/web-a refused (HTTP 429)").contains("PT20S");
    // Exponential backoff capped at 8 s and cut at the deadline: 1 + 2 + 4 + 8 + 5 = 20.
    assertThat(waits)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8),
            Duration.ofSeconds(5));
  }

  @Test
  void budgetAllowsAfterRetriesThenDrainCompletes() throws Exception {
    api.createRunningPod("default", "web-a", "w");
    api.createRunningPod("default", "web-b", "w");
    await().until(() -> view.podsOnNode("w").size() == 2);
    api.server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-a/eviction")
        .andReturn(429, TOO_MANY)
        .times(2);
    api.server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-a/eviction")
        .andReturn(201, OK)
        .always();
    api.server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/default/pods/web-b/eviction")
        .andReturn(201, OK)
        .always();
    AtomicInteger webAEvictions = new AtomicInteger();
    api.startKubelet(k -> !k.equals("default/web-a") || webAEvictions.incrementAndGet() >= 3);

    DrainResult r = actuator().drain("w", Duration.ofMinutes(5));

    assertThat(r.complete()).as(r.detail()).isTrue();
    assertThat(webAEvictions.get()).isGreaterThanOrEqualTo(3);
    assertThat(view.podsOnNode("w")).isEmpty();
  }

  @Test
  void podThatMustNotBeEvictedStopsDrainBeforeAnyEviction() throws Exception {
    api.createRunningPod("default", "web-a", "w");
    V1Pod cache = api.createRunningPod("default", "cache", "w");
    cache
        .getSpec()
        .volumes(List.of(new V1Volume().name("scratch").emptyDir(new V1EmptyDirVolumeSource())));
    api.core.replaceNamespacedPod("cache", "default", cache).execute();
    await()
        .until(
            () ->
                view.podsOnNode("w").size() == 2
                    && view.podsOnNode("w").stream()
                        .anyMatch(p -> p.getSpec().getVolumes() != null));
    List<String> evictions = new java.util.concurrent.CopyOnWriteArrayList<>();
    api.startKubelet(
        k -> {
          evictions.add(k);
          return false;
        });

    DrainResult r = actuator().drain("w", Duration.ofMinutes(10));

    assertThat(r.complete()).isFalse();
    assertThat(r.detail()).contains("default/cache").contains("emptyDir volume 'scratch'");
    assertThat(r.remaining()).containsExactlyInAnyOrder("default/web-a", "default/cache");
    // The kubelet thread sees requests in order: once it saw this sentinel eviction, it has seen
    // every eviction the drain could have posted.
    try (var call =
        api.core
            .createNamespacedPodEviction(
                "sentinel", "default", new io.kubernetes.client.openapi.models.V1Eviction())
            .buildCall(null)
            .execute()) {
      assertThat(call.code()).isPositive();
    }
    await().until(() -> evictions.contains("default/sentinel"));
    assertThat(evictions)
        .as("no eviction was posted by the drain")
        .containsExactly("default/sentinel");
  }

  @Test
  void kubeSystemPodIsEvictableOnlyUnderABudget() throws Exception {
    api.createRunningPod("kube-system", "coredns-1", "w");
    await().until(() -> view.podsOnNode("w").size() == 1);
    DrainResult blocked = actuator().drain("w", Duration.ofSeconds(5));
    assertThat(blocked.detail()).contains("kube-system pod without a PodDisruptionBudget");

    new PolicyV1Api(api.client)
        .createNamespacedPodDisruptionBudget(
            "kube-system",
            new V1PodDisruptionBudget()
                .apiVersion("policy/v1")
                .kind("PodDisruptionBudget")
                .metadata(new V1ObjectMeta().name("dns").namespace("kube-system"))
                .spec(new V1PodDisruptionBudgetSpec().selector(new V1LabelSelector())))
        .execute();
    await().until(() -> view.coveredByPdb(view.podsOnNode("w").get(0)));
    api.server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/kube-system/pods/coredns-1/eviction")
        .andReturn(201, OK)
        .always();
    api.startKubelet(k -> true);
    DrainResult r = actuator().drain("w", Duration.ofMinutes(10));
    assertThat(r.complete()).as(r.detail()).isTrue();
  }
}
