package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of the shipped controller against one fake API server: exactly one holds the Lease
 * and reconciles (the other's engine never runs), and when the leader dies the other takes the
 * Lease over once it expires and starts acting.
 */
@Timeout(120)
class LeaderFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(45);
  @TempDir Path dir;
  private final FakeCluster cluster = new FakeCluster();
  private final HttpClient http = HttpClient.newHttpClient();
  private KubernetesController a;
  private KubernetesController b;

  @AfterEach
  void stop() {
    for (KubernetesController c : new KubernetesController[] {a, b}) {
      if (c != null) {
        c.close();
      }
    }
    cluster.close();
  }

  private KubernetesController replica(Path config, String identity) throws Exception {
    KubernetesController c =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(cluster.kubeconfig(dir)),
                "ecokube",
                identity,
                0,
                Duration.ofMillis(300),
                false,
                Optional.empty()));
    c.start();
    return c;
  }

  private double metric(KubernetesController c, String name) throws Exception {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private double leader(KubernetesController c) throws Exception {
    return metric(c, "ecokube_leader");
  }

  private double decisions(KubernetesController c) throws Exception {
    return metric(c, "ecokube_decision_duration_seconds_count");
  }

  @Test
  void exactlyOneReplicaActsAndTheOtherTakesOverWhenTheLeaderDies() throws Exception {
    Path config =
        Files.writeString(
            dir.resolve("ecokube.yaml"),
            "pools: {default: {minActive: 0}}\nengine: {minUptime: 10m}\n");
    a = replica(config, "ecokube-a");
    b = replica(config, "ecokube-b");
    await().atMost(WAIT).ignoreExceptions().until(() -> leader(a) + leader(b) == 1);
    KubernetesController first = leader(a) == 1 ? a : b;
    KubernetesController second = first == a ? b : a;
    // The leader reconciles; the other's engine never runs while the Lease is held.
    double seen = decisions(first);
    await().atMost(WAIT).until(() -> decisions(first) > seen + 3);
    assertThat(leader(second)).isZero();
    assertThat(decisions(second)).isZero();

    // The leader dies (it stops renewing); the other takes over once the Lease expires.
    first.close();
    if (first == a) {
      a = null;
    } else {
      b = null;
    }
    await().atMost(WAIT).ignoreExceptions().until(() -> leader(second) == 1);
    await().atMost(WAIT).until(() -> decisions(second) > 3);
  }
}
