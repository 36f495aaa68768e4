package io.ecokube.prometheus.kepler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.PowerReading;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Legacy Kepler counters, scraped by a real Prometheus, read back as watts per node. */
class LegacyKeplerIT {
  private static KeplerExporter exporter;
  private static PrometheusServer prometheus;
  private static PrometheusClient client;

  @BeforeAll
  static void start() throws Exception {
    exporter =
        KeplerExporter.legacy()
            .legacyCounter("worker-1", "platform", 150)
            .legacyCounter("worker-1", "package", 90)
            .legacyCounter("worker-2", "package", 80)
            .legacyCounter("worker-2", "dram", 20);
    prometheus = PrometheusServer.scraping(exporter.target());
    client = new PrometheusClient(PrometheusClientConfig.builder(prometheus.uri()).build());
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
    exporter.close();
  }

  private static KeplerPowerMeter meter(KeplerMeterConfig.Builder b) {
    return new KeplerPowerMeter(
        client, b.nodeLabel("node_name").rateWindow(Duration.ofSeconds(5)).build(), Clock.system());
  }

  @Test
  void detectsLegacySchemaAndPrefersPlatformOverPackagePlusDram() throws Exception {
    KeplerPowerMeter meter = meter(KeplerMeterConfig.builder().cacheFor(Duration.ZERO));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, PowerReading> r = meter.readAll(List.of("worker-1", "worker-2"));
              assertThat(r).containsOnlyKeys("worker-1", "worker-2");
              // worker-1 has a platform counter: it wins over package (90 W).
              assertThat(r.get("worker-1").watts()).isCloseTo(150, within(3.0));
              // worker-2 has none: package + DRAM.
              assertThat(r.get("worker-2").watts()).isCloseTo(100, within(2.0));
            });
    assertThat(meter.schema()).isEqualTo(KeplerSchema.LEGACY);
    PowerReading r = meter.read("worker-1").orElseThrow();
    assertThat(r.source()).isEqualTo("kepler");
    assertThat(r.wallPower()).isFalse();
  }

  @Test
  void unknownNodeHasNoReading() throws Exception {
    KeplerPowerMeter meter = meter(KeplerMeterConfig.builder());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(meter.read("worker-1")).isPresent());
    assertThat(meter.read("no-such-node")).isEmpty();
  }

  @Test
  void customPromqlOverridesTheBuiltInQuery() {
    KeplerPowerMeter meter =
        meter(
            KeplerMeterConfig.builder()
                .cacheFor(Duration.ZERO)
                .wattsQuery("sum by (node_name) (rate(kepler_node_package_joules_total[5s])) * 2"));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(meter.read("worker-2").orElseThrow().watts())
                    .isCloseTo(160, within(3.0)));
  }
}
