package io.ecokube.prometheus.kepler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kepler 0.10+ zone gauges, scraped by a real Prometheus. */
class KeplerV010IT {
  private static KeplerExporter exporter;
  private static PrometheusServer prometheus;
  private static PrometheusClient client;

  @BeforeAll
  static void start() throws Exception {
    exporter =
        KeplerExporter.v010()
            // Two sockets: package is summed across paths; core lies inside package and must not be
            // added; DRAM is disjoint and is.
            .zone("worker-1", "package", "/sys/class/powercap/intel-rapl:0", 60)
            .zone("worker-1", "package", "/sys/class/powercap/intel-rapl:1", 40)
            .zone("worker-1", "core", "/sys/class/powercap/intel-rapl:0:0", 70)
            .zone("worker-1", "dram", "/sys/class/powercap/intel-rapl:0:1", 15)
            // psys covers the package: it alone is the node's figure.
            .zone("worker-2", "psys", "/sys/class/powercap/intel-rapl:1", 200)
            .zone("worker-2", "package", "/sys/class/powercap/intel-rapl:0", 150)
            .zone("doomed", "package", "/sys/class/powercap/intel-rapl:0", 50)
            .usage("worker-1", 0.5);
    prometheus = PrometheusServer.scraping(exporter.target());
    client = new PrometheusClient(PrometheusClientConfig.builder(prometheus.uri()).build());
  }

  @AfterAll
  static void stop() throws Exception {
    prometheus.close();
    exporter.close();
  }

  private static KeplerPowerMeter meter() {
    return new KeplerPowerMeter(
        client,
        KeplerMeterConfig.builder()
            .nodeLabel("node_name")
            .cacheFor(Duration.ZERO)
            .rateWindow(Duration.ofSeconds(5))
            .build(),
        Clock.system());
  }

  @Test
  void zonesAreChosenNotSummed() throws Exception {
    KeplerPowerMeter meter = meter();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, PowerReading> r = meter.readAll(List.of("worker-1", "worker-2"));
              assertThat(r.get("worker-1").watts()).isCloseTo(115, within(0.01));
              assertThat(r.get("worker-2").watts()).isCloseTo(200, within(0.01));
            });
    assertThat(meter.schema()).isEqualTo(KeplerSchema.V0_10);
  }

  @Test
  void aNodeThatStopsReportingHasNoReading() {
    KeplerPowerMeter meter = meter();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(meter.read("doomed")).isPresent());
    exporter.removeNode("doomed");
    // Prometheus marks the vanished series stale on its next scrape; the meter must not keep
    // reporting the last value for the 5-minute lookback.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(meter.read("doomed")).isEmpty());
  }

  @Test
  void oldSamplesAreIgnoredByTheClock() throws Exception {
    // A clock ten minutes ahead sees every sample as older than staleAfter (90 s).
    KeplerPowerMeter meter =
        new KeplerPowerMeter(
            client,
            KeplerMeterConfig.builder().nodeLabel("node_name").cacheFor(Duration.ZERO).build(),
            () -> Instant.now().plus(Duration.ofMinutes(10)));
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(meter().read("worker-1")).isPresent());
    assertThat(meter.read("worker-1")).isEmpty();
  }

  @Test
  void calibrationSamplesJoinUtilisationAndWatts() throws Exception {
    KeplerPowerMeter meter = meter();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        meter.calibrationSamples(
                            "worker-1",
                            Instant.now().minusSeconds(5),
                            Instant.now(),
                            Duration.ofSeconds(1)))
                    .isNotEmpty());
    List<CalibrationSample> samples =
        meter.calibrationSamples(
            "worker-1", Instant.now().minusSeconds(5), Instant.now(), Duration.ofSeconds(1));
    assertThat(samples)
        .allSatisfy(
            s -> {
              assertThat(s.utilisation()).isCloseTo(0.5, within(1e-9));
              assertThat(s.watts()).isCloseTo(115, within(1e-9));
            });
  }

  @Test
  void aBadQueryIsAConfigurationErrorWithPrometheusMessage() {
    KeplerPowerMeter meter =
        new KeplerPowerMeter(
            client,
            KeplerMeterConfig.builder().wattsQuery("sum by (node_name (oops").build(),
            Clock.system());
    assertThatThrownBy(() -> meter.read("worker-1"))
        .isInstanceOf(PowerException.class)
        .satisfies(
            e ->
                assertThat(((PowerException) e).kind())
                    .isEqualTo(PowerException.Kind.CONFIGURATION))
        .hasMessageContaining("rejected query 'sum by (node_name (oops'")
        .hasMessageContaining("parse error");
  }

  @Test
  void instanceLabelIsMappedToNodeNames() {
    // Prometheus sets instance=127.0.0.1:PORT on every series; strip the port and map it.
    KeplerPowerMeter meter =
        new KeplerPowerMeter(
            client,
            KeplerMeterConfig.builder()
                .nodeName("127.0.0.1", "rack-7")
                .cacheFor(Duration.ZERO)
                .build(),
            Clock.system());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            // All nodes of this exporter share one instance label, so their zones add up per zone:
            // psys of worker-2 is present, so psys wins: 200 W.
            () ->
                assertThat(meter.read("rack-7").orElseThrow().watts())
                    .isCloseTo(200, within(0.01)));
  }
}
