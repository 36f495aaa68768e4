package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.kubernetes.EcoKubeKeys;
import io.ecokube.kubernetes.NodeRecordJson;
import io.ecokube.test.virtualnode.VirtualNode;
import io.kubernetes.client.openapi.models.V1Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller with a {@code forecast} section (ecokube-predict's seasonal ARIMA),
 * against the fake API server and a virtual machine on loopback that wakes on Wake-on-LAN: a demand
 * series with a ramp in every season (compressed to 8 s so the test takes seconds) wakes the
 * powered-off node before the third season's ramp arrives, though no pod ever waits for a node (the
 * ramp's pods run on the active node), so only the forecast can have woken it.
 */
@Timeout(180)
class ForecastControllerIT {
  private static final long STEP_MS = 2000;
  private static final long SEASON_MS = 4 * STEP_MS;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private FakeCluster cluster;
  private VirtualNode machine;
  private KubernetesController controller;

  @BeforeEach
  void start() throws Exception {
    cluster = new FakeCluster();
    machine =
        VirtualNode.builder("worker-2")
            .mac("02:00:00:00:00:12")
            .bootTime(Duration.ofMillis(500))
            .shutdownTime(Duration.ofMillis(500))
            .credentials("ecokube", "s3cret")
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    machine.close();
    cluster.close();
  }

  private static String flow(Map<String, String> settings) {
    return settings.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private Path config() throws Exception {
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), machine.knownHostsLine());
    Path password = Files.writeString(dir.resolve("password"), "s3cret");
    return Files.writeString(
        dir.resolve("ecokube.yaml"),
        """
        forecast:
          model: arima
          order: [0, 0, 0]
          seasonalOrder: [0, 1, 0]
          step: 2s
          season: 8s
          history: 1m
          refitInterval: 2s
          horizon: 2s
          level: 0.5
          estimate: mean
          fitTimeout: 10s
        nodes:
          - name: worker-1
            allocatable: {cpu: "4", memory: 8Gi}
            power: {bootTime: 1s}
          - name: worker-2
            allocatable: {cpu: "4", memory: 8Gi}
            power:
              bootTime: 1s
              shutdownTime: 1s
              drivers:
                - {driver: wol, settings: WOL}
                - {driver: ssh, settings: SSH}
        """
            .replace("WOL", flow(machine.wolDriverSettings()))
            .replace("SSH", flow(machine.sshDriverSettings(knownHosts, "file:" + password))));
  }

  /** The machine's ssh settings; one refused probe means off (it is off, not rebooting). */
  private Map<String, String> ssh(Path knownHosts, Path password) {
    Map<String, String> m =
        new java.util.LinkedHashMap<>(machine.sshDriverSettings(knownHosts, "file:" + password));
    m.put("off-after-failed-probes", "1");
    return m;
  }

  /** Three cores of baseline on worker-1, and six more during the ramp. */
  private void demand(boolean ramp) throws Exception {
    for (int i = 0; i < 3; i++) {
      try {
        cluster.deletePod("batch", "ramp-" + i);
      } catch (Exception absent) {
        // not there
      }
    }
    if (ramp) {
      for (int i = 0; i < 3; i++) {
        cluster.runningPod("batch", "ramp-" + i, "worker-1", "2");
      }
    }
  }

  private static void awaitWallClock(long epochMillis) {
    await()
        .atMost(Duration.ofMillis(epochMillis - System.currentTimeMillis() + 5000))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() >= epochMillis);
  }

  @Test
  void aSeasonalRampWakesTheNodeBeforeItArrives() throws Exception {
    cluster.readyNode("worker-1", "4");
    // Powered off by an earlier run, as its record on the Node says.
    cluster.node(
        "worker-2",
        "4",
        false,
        Map.of(
            EcoKubeKeys.POWER_STATE,
            NodeRecordJson.encode(NodeRecord.initial(NodeLifecycle.OFF, Instant.now()))));
    cluster.runningPod("batch", "baseline", "worker-1", "3");
    AtomicReference<Instant> poweredOn = new AtomicReference<>();
    machine.addListener(
        c -> {
          if (c.to() == PowerState.BOOTING) {
            poweredOn.compareAndSet(null, Instant.now());
          }
        });
    controller =
        new KubernetesController(cluster.controllerOptions(config(), dir, Duration.ofMillis(250)));
    controller.start();

    // Seasons aligned to the series' steps: ramp in steps 2 and 3 of every season.
    long t0 = (System.currentTimeMillis() / SEASON_MS + 1) * SEASON_MS;
    long thirdRamp = t0 + 2 * SEASON_MS + 2 * STEP_MS;
    for (long step = 0; t0 + step * STEP_MS < thirdRamp; step++) {
      awaitWallClock(t0 + step * STEP_MS);
      demand(step % 4 >= 2);
      assertThat(pending()).as("no pod ever waits for a node").isEmpty();
    }
    assertThat(poweredOn.get())
        .as(
            "worker-2 woken by the forecast before the third ramp at %s",
            Instant.ofEpochMilli(thirdRamp))
        .isNotNull()
        .isBefore(Instant.ofEpochMilli(thirdRamp));
    await().atMost(WAIT).until(machine::state, PowerState.ON::equals);
  }

  private List<V1Pod> pending() throws Exception {
    return cluster.core().listPodForAllNamespaces().execute().getItems().stream()
        .filter(p -> p.getSpec().getNodeName() == null)
        .toList();
  }
}
