package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller stopped and started again against the same fake API server: the node
 * gauges count the node from the first reconcile of the new process (not 0 until it next changes
 * state), and the energy totals go on from those stored before the stop instead of from zero; so
 * does the cost budget's spend of the current period.
 */
@Timeout(120)
class RestartContinuityIT {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Pattern ACTUAL_ENERGY =
      Pattern.compile(
          "(?m)^ecokube_energy_joules_total\\{[^}]*scenario=\"actual\"[^}]*\\} (\\S+)$");
  private static final Pattern NODES = Pattern.compile("(?m)^ecokube_nodes\\{[^}]*\\} (\\S+)$");
  @TempDir Path dir;
  private final FakeCluster cluster = new FakeCluster();
  private KubernetesController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  private KubernetesController start(Path config) throws Exception {
    return Scraped.start(cluster, dir, config, "ecokube-0");
  }

  private double energy() throws Exception {
    return Scraped.sum(controller, ACTUAL_ENERGY);
  }

  private double nodes() throws Exception {
    return Scraped.sum(controller, NODES);
  }

  private double leader() throws Exception {
    return Scraped.value(controller, "ecokube_leader");
  }

  @Test
  void nodeGaugesAndEnergyTotalsContinueAcrossARestart() throws Exception {
    cluster
        .core()
        .createNode(
            new V1Node()
                .apiVersion("v1")
                .kind("Node")
                .metadata(new V1ObjectMeta().name("worker-1"))
                .status(
                    new V1NodeStatus()
                        .allocatable(
                            Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")))
                        .conditions(List.of(new V1NodeCondition().type("Ready").status("True")))))
        .execute();
    Path config =
        Files.writeString(
            dir.resolve("ecokube.yaml"),
            "pools: {default: {minActive: 1}}\n"
                + "nodes: [{name: worker-1, allocatable: {cpu: \"4\", memory: 8Gi}}]\n");

    controller = start(config);
    await().atMost(WAIT).ignoreExceptions().until(() -> leader() == 1 && energy() > 0);
    await().atMost(WAIT).ignoreExceptions().until(() -> nodes() == 1);
    // Stopping saves the totals into the ecokube-state ConfigMap.
    double before = energy();
    controller.close();
    assertThat(
            cluster.core().readNamespacedConfigMap("ecokube-state", "ecokube").execute().getData())
        .isNotEmpty();

    controller = start(config);
    await().atMost(WAIT).ignoreExceptions().until(() -> leader() == 1);
    // From the first reconcile of the new process: the node counts, the totals go on.
    await().atMost(WAIT).ignoreExceptions().until(() -> nodes() == 1);
    await().atMost(WAIT).ignoreExceptions().until(() -> energy() >= before);
  }

  @Test
  void theBudgetSpendStoredBeforeARestartIsContinuedAndSavedAgain() throws Exception {
    cluster.readyNode("worker-1", "4");
    // What a replica before this one stored: 50 EUR spent in today's period (periods of one day
    // from midnight UTC).
    Instant now = Instant.now();
    cluster
        .core()
        .createNamespacedConfigMap(
            "ecokube",
            new V1ConfigMap()
                .apiVersion("v1")
                .kind("ConfigMap")
                .metadata(new V1ObjectMeta().name("ecokube-state").namespace("ecokube"))
                .data(
                    Map.of(
                        "budget.hourStart",
                        now.truncatedTo(ChronoUnit.HOURS).toString(),
                        "budget.hourSpent",
                        "0.5",
                        "budget.periodStart",
                        now.truncatedTo(ChronoUnit.DAYS).toString(),
                        "budget.periodSpent",
                        "50.0")))
        .execute();
    Path config =
        Files.writeString(
            dir.resolve("ecokube.yaml"),
            "pools: {default: {minActive: 1}}\n"
                + "nodes: [{name: worker-1, allocatable: {cpu: \"4\", memory: 8Gi}}]\n"
                + "engine: {budget: {perPeriod: 100, period: 1d}}\n");

    controller = start(config);
    await().atMost(WAIT).ignoreExceptions().until(() -> leader() == 1);
    // The node gauge is set after a decision step: the engine has read its budget windows, so the
    // last save below writes the engine's count, not the one read at the start.
    await().atMost(WAIT).ignoreExceptions().until(() -> nodes() == 1);
    // Stopping saves a last time; the spend goes on from the stored 50, not from 0.
    controller.close();
    controller = null;
    Map<String, String> after = cluster.configMapData("ecokube", "ecokube-state");
    assertThat(after).containsKey("ledger.since");
    assertThat(after.get("budget.periodStart"))
        .isEqualTo(now.truncatedTo(ChronoUnit.DAYS).toString());
    assertThat(Double.parseDouble(after.get("budget.periodSpent"))).isGreaterThanOrEqualTo(50.0);
  }
}
