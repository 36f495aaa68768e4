package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped controller stopped and started again against the same fake API server: the node
 * gauges count the node from the first reconcile of the new process (not 0 until it next changes
 * state), and the energy totals go on from those stored before the stop instead of from zero.
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
  private final HttpClient http = HttpClient.newHttpClient();
  private KubernetesController controller;

  @AfterEach
  void stop() {
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  private KubernetesController start(Path config) throws Exception {
    KubernetesController c =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(cluster.kubeconfig(dir)),
                "ecokube",
                "ecokube-0",
                0,
                Duration.ofMillis(300),
                false,
                Optional.empty()));
    c.start();
    return c;
  }

  private String scrape() throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + controller.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double sum(Pattern p, String text) {
    Matcher m = p.matcher(text);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  private double energy() throws Exception {
    return sum(ACTUAL_ENERGY, scrape());
  }

  private double nodes() throws Exception {
    return sum(NODES, scrape());
  }

  private double leader() throws Exception {
    Matcher m = Pattern.compile("(?m)^ecokube_leader (\\S+)$").matcher(scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
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
}
