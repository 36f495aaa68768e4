package io.ecokube.kubernetes.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.kubernetes.TestApiServer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import io.kubernetes.client.openapi.models.V1LeaseSpec;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LeaseLeadershipIT {
  private TestApiServer api;

  @BeforeEach
  void start() {
    api = new TestApiServer();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void staleResourceVersionIsRejectedWith409() throws Exception {
    CoordinationV1Api coord = new CoordinationV1Api(api.client());
    V1Lease l =
        coord
            .createNamespacedLease(
                "ecokube",
                new V1Lease()
                    .apiVersion("coordination.k8s.io/v1")
                    .kind("Lease")
                    .metadata(new V1ObjectMeta().name("probe").namespace("ecokube"))
                    .spec(new V1LeaseSpec().holderIdentity("a")))
            .execute();
    String stale = l.getMetadata().getResourceVersion();
    coord
        .replaceNamespacedLease("probe", "ecokube", l.spec(l.getSpec().holderIdentity("b")))
        .execute();
    l.getMetadata().resourceVersion(stale);
    assertThatThrownBy(
            () ->
                coord
                    .replaceNamespacedLease(
                        "probe", "ecokube", l.spec(l.getSpec().holderIdentity("c")))
                    .execute())
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void exactlyOneOfTwoReplicasActsAndTheOtherTakesOver() throws Exception {
    List<String> acted = new CopyOnWriteArrayList<>();
    ClusterActuator recording =
        new ClusterActuator() {
          @Override
          public void cordon(String node) {
            acted.add(node);
          }

          @Override
          public void uncordon(String node) {}

          @Override
          public DrainResult drain(String node, Duration timeout) {
            return DrainResult.completed();
          }

          @Override
          public void markPoweredOff(String node, boolean poweredOff) {}
        };
    LeaseLeadership a = candidate("replica-a");
    LeaseLeadership b = candidate("replica-b");
    List<Boolean> aChanges = new CopyOnWriteArrayList<>();
    a.onChange(aChanges::add);
    try {
      a.start();
      b.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> a.isLeader() || b.isLeader());
      LeaseLeadership leader = a.isLeader() ? a : b;
      LeaseLeadership follower = leader == a ? b : a;
      // Give the follower several retry periods: it must stay a follower.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(5))
          .until(() -> leader.isLeader() && !follower.isLeader());

      leader.gate(recording).cordon("n1");
      assertThatThrownBy(() -> follower.gate(recording).cordon("n2"))
          .isInstanceOf(ActuatorException.class)
          .hasMessageContaining(follower.identity())
          .hasMessageContaining("not the leader");
      assertThat(acted).containsExactly("n1");

      V1Lease lease =
          new CoordinationV1Api(api.client())
              .readNamespacedLease("ecokube-controller", "ecokube")
              .execute();
      assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.identity());

      // The leader stops (or loses its Lease): it stops acting at once; the other takes over.
      leader.close();
      assertThat(leader.isLeader()).isFalse();
      assertThatThrownBy(() -> leader.gate(recording).cordon("n3"))
          .isInstanceOf(ActuatorException.class);
      await().atMost(Duration.ofSeconds(20)).until(follower::isLeader);
      follower.gate(recording).cordon("n4");
      assertThat(acted).containsExactly("n1", "n4");
      if (leader == a) {
        assertThat(aChanges).containsExactly(true, false);
      }
    } finally {
      a.close();
      b.close();
    }
  }

  private LeaseLeadership candidate(String id) {
    return new LeaseLeadership(
        api.client(),
        "ecokube",
        "ecokube-controller",
        id,
        Duration.ofSeconds(3),
        Duration.ofSeconds(2),
        Duration.ofMillis(300));
  }
}
