package io.ecokube.controller.api;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.time.Clock;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.HealthServer;
import io.ecokube.controller.metering.Metering;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The API on its own, without Kubernetes and without powering anything, as the estimator Eco-Kube
 * grew from ran: the config's nodes are accounted as on, at Kepler's (or a BMC's) measured watts
 * where the {@code meters} section has them and at their power model otherwise; per-container
 * figures come from Kepler. Pods have no owners here (no cluster view), so each pod is its own
 * workload.
 */
public final class StandaloneApi implements AutoCloseable {
  private final HealthServer http;
  private final ApiWiring wiring;
  private final Metering metering;
  private final DriverRegistry drivers;

  private StandaloneApi(
      HealthServer http, ApiWiring wiring, Metering metering, DriverRegistry drivers) {
    this.http = http;
    this.wiring = wiring;
    this.metering = metering;
    this.drivers = drivers;
  }

  /**
   * Starts serving.
   *
   * @param config the loaded config (nodes need no drivers)
   * @param address where to listen
   * @param port the port; 0 picks one
   */
  public static StandaloneApi start(EcoKubeConfig config, InetAddress address, int port)
      throws IOException {
    Clock clock = Clock.system();
    SecretResolver secrets = SecretResolver.standard();
    Metering metering = Metering.of(config);
    EnergyLedger ledger =
        metering.ledger(EnergyLedger.builder(clock).tariff(config.accounting())).build();
    for (NodeSpec n : config.nodes()) {
      ledger.register(n, NodeLifecycle.ACTIVE);
    }
    List<ClusterNode> nodes =
        config.nodes().stream().map(n -> new ClusterNode(n, true, false)).toList();
    Supplier<ClusterSnapshot> cluster = () -> new ClusterSnapshot(clock.now(), nodes, List.of());
    ApiWiring wiring =
        ApiWiring.create(config, secrets, ledger, cluster, n -> Optional.empty(), clock);
    DriverRegistry drivers = DriverRegistry.builder().loadServices().secrets(secrets).build();
    HealthServer http = HealthServer.builder(address, port).api(wiring.api()).build();
    http.start();
    metering.start(drivers, secrets, ledger, cluster, clock);
    wiring.start();
    return new StandaloneApi(http, wiring, metering, drivers);
  }

  /** The port it listens on. */
  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    wiring.close();
    metering.close();
    drivers.close();
  }
}
