package io.ecokube.prometheus.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-container attribution from legacy Kepler counters, scraped by a real Prometheus. */
class LegacyAttributionIT {
  private static KeplerExporter exporter;
  private static PrometheusServer prometheus;
  private static KeplerAttribution attribution;
  private static PrometheusClient client;

  @BeforeAll
  static void start() throws Exception {
    exporter =
        KeplerExporter.legacy()
            // 200 W at the node, 150 W of it idle.
            .legacyCounter("worker-1", "platform", 200)
            .container("worker-1", "shop", "web-5d8f9-abcde", "app", 40, 5, 0, 3)
            .container("worker-1", "shop", "web-5d8f9-abcde", "proxy", 10, 1, 0, 0)
            .container("worker-1", "ml", "trainer-0", "cuda", 20, 4, 60, 2)
            .container("worker-1", "shop", "flaky", "app", 8, 0, 0, 0);
    prometheus = PrometheusServer.scraping(exporter.target());
    client = new PrometheusClient(PrometheusClientConfig.builder(prometheus.uri()).build());
    KeplerMeterConfig config =
        KeplerMeterConfig.builder()
            .nodeLabel("node_name")
            .cacheFor(Duration.ZERO)
            .rateWindow(Duration.ofSeconds(5))
            .build();
    attribution =
        new KeplerAttribution(
            client, config, new KeplerPowerMeter(client, config, Clock.system()), Clock.system());
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
    exporter.close();
  }

  private static Attribution settled() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            attribution::power,
            a ->
                a.containers().size() == 4
                    && a.nodes().containsKey("worker-1")
                    && Math.abs(a.attributed("worker-1") - 153) < 2);
  }

  @Test
  void containersPodsNamespacesAndWorkloadsAddUp() {
    Attribution a = settled();
    assertThat(a.unit()).isEqualTo(Attribution.Unit.WATTS);
    Components cuda = a.containers().get(new ContainerKey("worker-1", "ml", "trainer-0", "cuda"));
    assertThat(cuda.gpu()).isCloseTo(60, within(1.0));
    assertThat(cuda.cpu()).isCloseTo(20, within(0.5));
    assertThat(cuda.dram()).isCloseTo(4, within(0.2));
    Map<PodKey, Components> pods = a.byPod();
    assertThat(pods.get(new PodKey("shop", "web-5d8f9-abcde")).total()).isCloseTo(59, within(1.0));
    assertThat(a.byNamespace().get("ml").total()).isCloseTo(86, within(1.5));
    Map<WorkloadRef, Components> workloads =
        a.byWorkload(
            p ->
                p.name().startsWith("web-")
                    ? Optional.of(WorkloadRef.deployment("shop", "web"))
                    : Optional.empty());
    assertThat(workloads.get(WorkloadRef.deployment("shop", "web")).total())
        .isCloseTo(59, within(1.0));
    assertThat(workloads.get(new WorkloadRef("ml", "Pod", "trainer-0")).gpu())
        .isCloseTo(60, within(1.0));
    // The node draws 200 W, 150 W of it idle: its containers add up to less, by no more than the
    // idle share.
    double node = a.nodes().get("worker-1");
    assertThat(node).isCloseTo(200, within(1.0));
    assertThat(a.attributed("worker-1")).isLessThanOrEqualTo(node);
    assertThat(a.unattributed("worker-1").orElseThrow()).isBetween(0.0, 150.0);
    assertThat(a.podNodes().get(new PodKey("ml", "trainer-0"))).isEqualTo("worker-1");
  }

  @Test
  void energyOverAPeriodIsTheCountersIncrease() throws Exception {
    settled();
    History.await(client, "kepler_container_package_joules_total");
    Instant to = Instant.now();
    Instant from = to.minusSeconds(10);
    Attribution e = attribution.energy(from, to);
    assertThat(e.unit()).isEqualTo(Attribution.Unit.JOULES);
    // 10 s at 86 W; increase() extrapolates to the range's edges, so allow a scrape's worth.
    assertThat(e.byNamespace().get("ml").total()).isCloseTo(860, within(86.0));
    assertThat(e.nodes().get("worker-1")).isCloseTo(2000, within(200.0));
  }

  @Test
  void aCounterThatStartsAgainFromZeroCostsNothing() throws Exception {
    settled();
    Instant resetAt = Instant.now();
    exporter.resetContainer("shop", "flaky", "app");
    // Prometheus has seen the restarted counter climb for 5 s (8 W x 5 s) after the reset.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !client
                    .query(
                        "kepler_container_package_joules_total{pod_name=\"flaky\"} >= 40 and"
                            + " resets(kepler_container_package_joules_total{pod_name=\"flaky\"}[30s])"
                            + " > 0")
                    .isEmpty());
    ContainerKey flaky = new ContainerKey("worker-1", "shop", "flaky", "app");
    // Over the 10 s around the reset the container drew 80 J: a naive difference of the counter
    // would be negative (it fell from thousands to zero).
    Attribution e = attribution.energy(resetAt.minusSeconds(5), resetAt.plusSeconds(5));
    assertThat(e.containers().get(flaky).cpu()).isCloseTo(80, within(16.0));
    assertThat(attribution.power().containers().get(flaky).cpu()).isCloseTo(8, within(1.0));
  }
}
