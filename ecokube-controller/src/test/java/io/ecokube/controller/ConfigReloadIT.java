package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import io.kubernetes.client.openapi.models.CoreV1Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of the shipped controller against the fake API server: the config file is mounted as
 * the kubelet mounts a ConfigMap (a {@code ..data} symlink swapped atomically on update). An
 * invalid new config is refused with a Warning Event and the running one stays (the engine keeps
 * reconciling); a valid one is applied without a restart.
 */
@Timeout(120)
class ConfigReloadIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String V1 = "pools: {default: {minActive: 0}}\nengine: {minUptime: 10m}\n";
  private static final String V2 = "pools: {default: {minActive: 0}}\nengine: {minUptime: 20m}\n";
  private static final String INVALID =
      "pools: {default: {minActive: 0}}\nengine: {minUptime: soon}\n";

  @TempDir Path dir;
  private FakeCluster cluster;
  private KubernetesController controller;
  private int version;

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
  }

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  /** What the kubelet does on a ConfigMap update: a new directory, then one atomic rename. */
  private Path mount(String text) throws Exception {
    Path volume = dir.resolve("config");
    Files.createDirectories(volume);
    Path data = Files.createDirectory(volume.resolve("..v" + ++version));
    Files.writeString(data.resolve("ecokube.yaml"), text);
    Path tmp = volume.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, data.getFileName());
    Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Path file = volume.resolve("ecokube.yaml");
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(file, Path.of("..data", "ecokube.yaml"));
    }
    return file;
  }

  private double metric(String name) throws Exception {
    return Scraped.value(controller, name);
  }

  @Test
  void anInvalidReloadIsRefusedAndTheOldConfigRunsOnAValidOneIsApplied() throws Exception {
    // One Ready node, so the per-node series exist.
    cluster
        .core()
        .createNode(
            new io.kubernetes.client.openapi.models.V1Node()
                .apiVersion("v1")
                .kind("Node")
                .metadata(new io.kubernetes.client.openapi.models.V1ObjectMeta().name("worker-1"))
                .status(
                    new io.kubernetes.client.openapi.models.V1NodeStatus()
                        .allocatable(
                            java.util.Map.of(
                                "cpu",
                                new io.kubernetes.client.custom.Quantity("4"),
                                "memory",
                                new io.kubernetes.client.custom.Quantity("8Gi")))
                        .conditions(
                            List.of(
                                new io.kubernetes.client.openapi.models.V1NodeCondition()
                                    .type("Ready")
                                    .status("True")))))
        .execute();
    Path file = mount(V1);
    controller = Scraped.start(cluster, dir, file, "ecokube-0");
    await().atMost(WAIT).ignoreExceptions().until(() -> metric("ecokube_leader") == 1.0);
    await().atMost(WAIT).ignoreExceptions().until(() -> decisions() > 0);
    // Every series the Grafana dashboard queries is in the running controller's /metrics.
    java.util.Set<String> queried = dashboardSeries();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String text = scrape();
              assertThat(queried)
                  .allSatisfy(name -> assertThat(text).containsPattern("(?m)^" + name + "[{ ]"));
            });

    mount(INVALID);
    await()
        .atMost(WAIT)
        .until(
            () -> rejected().stream().anyMatch(e -> e.getMessage().contains("engine.minUptime")));
    CoreV1Event refused = rejected().get(0);
    assertThat(refused.getType()).isEqualTo("Warning");
    assertThat(refused.getInvolvedObject().getName()).isEqualTo("ecokube-controller");
    assertThat(refused.getMessage()).contains("'soon' is not a duration").contains("stays");
    assertThat(controller.config().policy().minUptime()).isEqualTo(Duration.ofMinutes(10));
    // The old config keeps running: the engine still decides.
    double before = decisions();
    await().atMost(WAIT).ignoreExceptions().until(() -> decisions() > before);

    mount(V2);
    await()
        .atMost(WAIT)
        .until(() -> controller.config().policy().minUptime().equals(Duration.ofMinutes(20)));
    double after = decisions();
    await().atMost(WAIT).ignoreExceptions().until(() -> decisions() > after);
    assertThat(metric("ecokube_leader")).isEqualTo(1.0);
    assertThat(reloads("applied")).isEqualTo(1.0);
    assertThat(reloads("refused")).isEqualTo(1.0);
  }

  /** Eco-Kube series the dashboard in deploy/grafana queries (histograms by their buckets). */
  private static java.util.Set<String> dashboardSeries() throws Exception {
    java.util.Set<String> out = new java.util.TreeSet<>();
    Matcher m =
        Pattern.compile("\\becokube_[a-zA-Z0-9_]*")
            .matcher(Files.readString(Path.of("../deploy/grafana/ecokube-dashboard.json")));
    while (m.find()) {
      out.add(m.group());
    }
    // Labelled by the action or the rule that held it back: no series until the first one.
    out.remove("ecokube_decisions_held_back_total");
    out.remove("ecokube_power_actions_total");
    // Set by the forecast wiring when it samples demand, not on every start (left to it).
    out.remove("ecokube_demand_actual");
    out.remove("ecokube_demand_forecast");
    return out;
  }

  private String scrape() throws Exception {
    return Scraped.scrape(controller);
  }

  private double decisions() throws Exception {
    return metric("ecokube_decision_duration_seconds_count");
  }

  private double reloads(String result) throws Exception {
    return Scraped.sum(
        controller,
        Pattern.compile(
            "(?m)^ecokube_config_reloads_total\\{[^}]*result=\"" + result + "\"[^}]*\\} (\\S+)$"));
  }

  private List<CoreV1Event> rejected() throws Exception {
    return cluster.core().listNamespacedEvent("ecokube").execute().getItems().stream()
        .filter(e -> "ConfigRejected".equals(e.getReason()))
        .toList();
  }
}
