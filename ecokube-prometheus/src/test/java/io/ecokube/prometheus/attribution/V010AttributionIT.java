package io.ecokube.prometheus.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-container attribution from Kepler 0.10 counters (pods named through pod_id). */
class V010AttributionIT {
  private static KeplerExporter exporter;
  private static PrometheusServer prometheus;
  private static KeplerAttribution attribution;
  private static PrometheusClient client;

  @BeforeAll
  static void start() throws Exception {
    exporter =
        KeplerExporter.v010()
            .zone("gpu-node", "package", "/sys/class/powercap/intel-rapl:0", 120)
            .zone("gpu-node", "dram", "/sys/class/powercap/intel-rapl:0:1", 20)
            .container("gpu-node", "ml", "trainer-0", "cuda", 50, 6, 90, 0)
            .container("gpu-node", "ml", "trainer-0", "logger", 2, 1, 0, 0)
            .container("gpu-node", "web", "front-1", "nginx", 12, 2, 0, 0);
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

  @Test
  void podIdsAreNamedAndZonesChosen() throws Exception {
    Attribution a =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                attribution::power,
                x -> x.containers().size() == 3 && Math.abs(x.attributed("gpu-node") - 163) < 2);
    Components cuda = a.containers().get(new ContainerKey("gpu-node", "ml", "trainer-0", "cuda"));
    assertThat(cuda.cpu()).isCloseTo(50, within(1.0));
    assertThat(cuda.dram()).isCloseTo(6, within(0.3));
    assertThat(cuda.gpu()).isCloseTo(90, within(1.5));
    assertThat(a.byPod().get(new PodKey("ml", "trainer-0")).total()).isCloseTo(149, within(2.0));
    assertThat(a.byPod().get(new PodKey("web", "front-1")).total()).isCloseTo(14, within(0.5));
    // The node's CPU figure (package + dram, 140 W) has no GPU in it: Kepler 0.10's node meter
    // covers RAPL zones only, so the GPU-heavy pods may add up to more than the node here.
    assertThat(a.nodes().get("gpu-node")).isCloseTo(140, within(0.5));
    History.await(client, "kepler_container_cpu_joules_total");
    Attribution e = attribution.energy(Instant.now().minusSeconds(10), Instant.now());
    assertThat(e.byNamespace().get("web").total()).isCloseTo(140, within(14.0));
    assertThat(e.nodes().get("gpu-node")).isCloseTo(1400, within(140.0));
  }
}
