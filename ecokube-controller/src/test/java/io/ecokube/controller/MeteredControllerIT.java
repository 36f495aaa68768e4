package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.test.prometheus.KeplerExporter;
import io.ecokube.test.prometheus.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller with a {@code meters} and a {@code calibration} section, against the fake
 * API server and Debian's Prometheus scraping a Kepler exporter on loopback: Kepler's watts, not
 * the power model's, reach the energy ledger; a calibration refit learns the node's real idle and
 * full-load watts from those readings and the CPU its pods request, the ledger accounts with them
 * and they are kept in the state ConfigMap.
 */
@Timeout(180)
class MeteredControllerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NODE = "worker-1";
  private static final String RAPL = "/sys/class/powercap/intel-rapl:0";

  @TempDir Path dir;
  private FakeCluster cluster;
  private KeplerExporter kepler;
  private PrometheusServer prometheus;
  private KubernetesController controller;

  @BeforeEach
  void start() throws Exception {
    cluster = new FakeCluster();
    kepler = KeplerExporter.v010().zone(NODE, "package", RAPL, 70).usage(NODE, 0.1);
    prometheus = PrometheusServer.scraping(kepler.target());
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    prometheus.close();
    kepler.close();
    cluster.close();
  }

  private Path config() throws Exception {
    return Files.writeString(
        dir.resolve("ecokube.yaml"),
        """
        nodes:
          - name: worker-1
            allocatable: {cpu: "4", memory: 8Gi}
            power: {offWatts: 5, idleWatts: 120, maxWatts: 300}
        meters:
          interval: 300ms
          staleAfter: 10s
          kepler:
            url: "PROMETHEUS"
            nodeLabel: node_name
        calibration: {interval: 2s, window: 1h, minRSquared: 0.7}
        """
            .replace("PROMETHEUS", prometheus.uri().toString()));
  }

  /** Sets the CPU requested on the node (whole cores) and what Kepler measures for it. */
  private void load(int cores, double watts) throws Exception {
    for (int i = 0; i < 4; i++) {
      try {
        cluster.deletePod("batch", "load-" + i);
      } catch (Exception absent) {
        // not there
      }
    }
    for (int i = 0; i < cores; i++) {
      cluster.runningPod("batch", "load-" + i, NODE, "1");
    }
    kepler.zone(NODE, "package", RAPL, watts);
  }

  @Test
  void keplersWattsReachTheLedgerAndARefitLearnsTheModel() throws Exception {
    cluster.readyNode(NODE, "4");
    controller =
        new KubernetesController(cluster.controllerOptions(config(), dir, Duration.ofMillis(500)));
    controller.start();

    // Idle, the model says 120 W; Kepler measures 70 W, and that is what the ledger accounts.
    await().atMost(WAIT).until(() -> Math.abs(controller.ledger().watts() - 70) < 1e-6);

    // The machine really draws 50 W idle and 150 W at full load. Each level is held until the
    // ledger has accounted its measured watts, so samples pair utilisation and watts.
    for (int cores : new int[] {0, 2, 4, 1, 3, 0, 4, 2, 1, 3}) {
      double watts = 50 + 100 * cores / 4.0;
      load(cores, watts);
      await().atMost(WAIT).until(() -> Math.abs(controller.ledger().watts() - watts) < 1e-6);
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                cluster
                    .configMapData("ecokube", KubernetesController.STATE_CONFIG_MAP)
                    .containsKey("calibration.worker-1.idleWatts"));
    Map<String, String> state =
        cluster.configMapData("ecokube", KubernetesController.STATE_CONFIG_MAP);
    assertThat(Double.parseDouble(state.get("calibration.worker-1.idleWatts")))
        .isCloseTo(50, within(15.0));
    assertThat(Double.parseDouble(state.get("calibration.worker-1.maxWatts")))
        .isCloseTo(150, within(25.0));
    PowerProfile learned = controller.ledger().powerModel(NODE).orElseThrow();
    assertThat(learned.idleWatts()).isNotEqualTo(120).isCloseTo(50, within(15.0));
    assertThat(learned.offWatts()).isEqualTo(5);
    // The ledger totals are kept beside the coefficients.
    assertThat(state).containsKey("ledger.actual.joules");
  }
}
