package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.controller.testing.FakeCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    return Scraped.start(cluster, dir, config, identity);
  }

  private double leader(KubernetesController c) throws Exception {
    return Scraped.value(c, "ecokube_leader");
  }

  private double decisions(KubernetesController c) throws Exception {
    return Scraped.value(c, "ecokube_decision_duration_seconds_count");
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
