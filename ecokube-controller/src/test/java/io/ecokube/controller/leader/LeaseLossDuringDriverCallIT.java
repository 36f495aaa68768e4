package io.ecokube.controller.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.time.Clock;
import io.ecokube.controller.testing.FakeCluster;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.kubernetes.KubernetesActuator;
import io.ecokube.kubernetes.KubernetesClusterView;
import io.ecokube.kubernetes.NodeAnnotationStateStore;
import io.ecokube.kubernetes.NodeHintPolicy;
import io.ecokube.kubernetes.leader.LeaseLeadership;
import io.kubernetes.client.openapi.apis.CoordinationV1Api;
import io.kubernetes.client.openapi.models.V1Lease;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14's "lease loss during a driver call", with the real {@link LeaseLeadership} on a Lease of
 * the fake API server and the engine wired as the controller wires it (its one gate asks {@code
 * leadership::isLeader}): while the replica's power-off call hangs at the BMC, another replica
 * takes the Lease. The replica must notice at its next renew (not only when its renew deadline runs
 * out), and once the hung call returns nothing more may reach the drivers, the API server or the
 * state store, although its engine keeps reconciling.
 */
@Timeout(90)
class LeaseLossDuringDriverCallIT {
  private static final String NS = "ecokube";
  private static final String LEASE = "ecokube-controller";
  // Renews every second; only after 20 s of failed renewals would the client library give up.
  private static final Duration RETRY = Duration.ofSeconds(1);
  private static final Duration RENEW_DEADLINE = Duration.ofSeconds(20);
  private static final Duration LEASE_DURATION = Duration.ofSeconds(30);

  private final FakeCluster cluster = new FakeCluster();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final HangingDriver driver = new HangingDriver();

  @AfterEach
  void stop() throws Exception {
    driver.release.countDown();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    cluster.close();
  }

  /** A BMC whose power-off hangs until the test releases it; counts every call that reaches it. */
  private static final class HangingDriver implements PowerDriver {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch returned = new CountDownLatch(1);
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "bmc";
    }

    @Override
    public Set<PowerCapability> capabilities() {
      return EnumSet.of(
          PowerCapability.POWER_ON,
          PowerCapability.READ_STATE,
          PowerCapability.POWER_OFF_GRACEFUL,
          PowerCapability.POWER_OFF_FORCED);
    }

    @Override
    public void powerOn() {
      calls.add("on");
    }

    @Override
    public void powerOff(PowerOffMode mode) {
      calls.add("off " + mode);
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        returned.countDown();
      }
    }

    @Override
    public PowerState readState() {
      // Reads are not side effects: the machine is still up.
      return PowerState.ON;
    }
  }

  /** Counts the actuator calls that got past the engine's gate to the real actuator. */
  private static final class CountingActuator implements ClusterActuator {
    private final ClusterActuator real;
    final List<String> calls = new CopyOnWriteArrayList<>();

    CountingActuator(ClusterActuator real) {
      this.real = real;
    }

    @Override
    public void cordon(String node) throws ActuatorException {
      calls.add("cordon " + node);
      real.cordon(node);
    }

    @Override
    public void uncordon(String node) throws ActuatorException {
      calls.add("uncordon " + node);
      real.uncordon(node);
    }

    @Override
    public DrainResult drain(String node, Duration timeout) throws ActuatorException {
      calls.add("drain " + node);
      return real.drain(node, timeout);
    }

    @Override
    public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
      calls.add("mark " + node + " " + poweredOff);
      real.markPoweredOff(node, poweredOff);
    }
  }

  /** Counts the state-store writes that got past the engine's gate to the node annotations. */
  private static final class CountingStore implements NodeStateStore {
    private final NodeStateStore real;
    final List<String> saves = new CopyOnWriteArrayList<>();

    CountingStore(NodeStateStore real) {
      this.real = real;
    }

    @Override
    public Optional<NodeRecord> load(String node) {
      return real.load(node);
    }

    @Override
    public void save(String node, NodeRecord record) {
      saves.add(node + " " + record.state());
      real.save(node, record);
    }
  }

  @Test
  void replicaThatLosesTheLeaseDuringAPowerOffStopsAtItsNextRenewAndActsNoMore() throws Exception {
    LeaseLeadership leadership =
        new LeaseLeadership(
            cluster.client(), NS, LEASE, "ecokube-a", LEASE_DURATION, RENEW_DEADLINE, RETRY);
    open.add(leadership);
    leadership.start();
    await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);

    cluster.readyNode("worker-1", "4");
    NodeSpec spec =
        NodeSpec.builder("worker-1")
            .address(new PowerAddress(List.of(new DriverSpec("bmc", Map.of()))))
            .build();
    KubernetesClusterView view =
        new KubernetesClusterView(
            cluster.client(),
            Map.of("worker-1", spec),
            Clock.system(),
            Duration.ZERO,
            NodeHintPolicy.DEFAULT);
    open.add(view);
    view.start();
    assertThat(view.awaitSynced(Duration.ofSeconds(20))).as("informers synced").isTrue();
    CountingActuator actuator =
        new CountingActuator(
            new KubernetesActuator(
                cluster.client(),
                view,
                Clock.system(),
                Duration.ofMillis(50),
                Duration.ofSeconds(5)));
    CountingStore store = new CountingStore(new NodeAnnotationStateStore(cluster.client()));
    AtomicInteger reconciles = new AtomicInteger();
    EnginePolicy policy =
        EnginePolicy.builder()
            .pool(
                "default", new PoolPolicy(0, 0, OptionalDouble.empty(), Optional.of(Duration.ZERO)))
            .minUptime(Duration.ZERO)
            .attemptsPerDriver(1)
            .build();
    // As KubernetesController builds it: one gate, asked before every side effect.
    EcoKubeEngine engine =
        EcoKubeEngine.builder()
            .clusterView(view)
            .actuator(actuator)
            .drivers(n -> List.of(driver))
            .stateStore(store)
            .policy(policy)
            .interval(Duration.ofMillis(100))
            .decisionTimer(took -> reconciles.incrementAndGet())
            .gate(leadership::isLeader)
            .build();
    open.add(engine);
    engine.start();

    // The idle node is cordoned, drained, marked, and its power-off hangs at the BMC.
    assertThat(driver.entered.await(30, TimeUnit.SECONDS)).as("power-off reached the BMC").isTrue();
    assertThat(actuator.calls).contains("mark worker-1 true");
    int actuatorCalls = actuator.calls.size();
    int saves = store.saves.size();

    // Another replica takes the Lease over, as its elector would write it.
    CoordinationV1Api coord = new CoordinationV1Api(cluster.client());
    V1Lease lease = coord.readNamespacedLease(LEASE, NS).execute();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("ecokube-a");
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    lease
        .getSpec()
        .holderIdentity("ecokube-b")
        .acquireTime(now)
        .renewTime(now)
        .leaseTransitions(
            (lease.getSpec().getLeaseTransitions() == null
                    ? 0
                    : lease.getSpec().getLeaseTransitions())
                + 1);
    coord.replaceNamespacedLease(LEASE, NS, lease).execute();

    // Its next renew (one retry period, plus a period of slack for a loaded machine) sees the
    // other holder: well before the renew deadline.
    await().atMost(RETRY.multipliedBy(2)).until(() -> !leadership.isLeader());

    driver.release.countDown();
    assertThat(driver.returned.await(10, TimeUnit.SECONDS)).isTrue();
    int seen = reconciles.get();
    // The engine keeps running (and the hung call's result is applied): still nothing goes out.
    await().atMost(Duration.ofSeconds(20)).until(() -> reconciles.get() > seen + 10);
    assertThat(driver.calls).containsExactly("off GRACEFUL");
    assertThat(actuator.calls).hasSize(actuatorCalls);
    assertThat(store.saves).hasSize(saves);
    assertThat(leadership.isLeader()).isFalse();
    assertThat(coord.readNamespacedLease(LEASE, NS).execute().getSpec().getHolderIdentity())
        .isEqualTo("ecokube-b");
  }
}
