package io.ecokube.controller;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.api.ApiWiring;
import io.ecokube.controller.calibration.CalibrationWiring;
import io.ecokube.controller.metering.Metering;
import io.ecokube.controller.reload.ConfigReloader;
import io.ecokube.controller.resources.CustomResourceWiring;
import io.ecokube.controller.resources.EngineFacts;
import io.ecokube.controller.resources.HeldBackMemo;
import io.ecokube.controller.safety.SafetyWiring;
import io.ecokube.controller.state.LedgerStore;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.kubernetes.ConfigMapState;
import io.ecokube.kubernetes.KubernetesClusterView;
import io.ecokube.kubernetes.KubernetesEventRecorder;
import io.ecokube.kubernetes.KubernetesSecretResolver;
import io.ecokube.kubernetes.leader.LeaseLeadership;
import io.ecokube.micrometer.EcoKubeMetrics;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.KubeConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eco-Kube as a Kubernetes controller: informers feed the engine, the actuator cordons, drains and
 * marks nodes, power drivers from the config wake and power them off, every decision becomes an
 * Event, and node state lives in Node annotations. Two replicas run; the one holding the Lease
 * acts, and a new engine is built each time leadership is won (so it resumes from the annotations),
 * and closed at once when it is lost.
 *
 * <p>{@code --dry-run} reads the cluster and logs each plan, and touches nothing: no Lease, no
 * patches, no Events, no power actions, state kept in memory.
 *
 * <p>Endpoints: {@code /healthz} (process up), {@code /readyz} (caches synced and every configured
 * source running; otherwise 503 with the reason), {@code /metrics} (Prometheus text, from
 * Micrometer: the engine, node, energy and savings metrics of {@link EcoKubeMetrics} plus the
 * leader, informer and event-queue gauges).
 */
public final class KubernetesController implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesController.class);

  private final ControllerOptions options;
  private final ApiClient client;
  // Replaced by a valid reloaded config file (ConfigReloader); read when the engine starts.
  private volatile EcoKubeConfig config;
  private final String configText;
  private ConfigReloader reloader;
  // NodePools, PowerPolicies and CostPolicies, when their CRDs are installed.
  private Optional<CustomResourceWiring> resources = Optional.empty();
  private final HeldBackMemo heldBack = new HeldBackMemo(Clock.system());
  private final KubernetesClusterView view;
  private final LeaseLeadership leadership;
  private final KubernetesEventRecorder events;
  private final HealthServer http;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EnergyLedger ledger;
  private final EcoKubeMetrics metrics;
  private final Metering metering;
  private final ApiWiring api;
  private final Optional<CalibrationWiring> calibration;
  // The engine of the leading replica (or the dry run), rebuilt each time leadership is won.
  private final LeaderEngine leader;

  /** The ConfigMap, in the controller's namespace, that keeps state across restarts. */
  static final String STATE_CONFIG_MAP = "ecokube-state";

  private final LedgerStore ledgerStore;

  KubernetesController(ControllerOptions options) throws IOException {
    this.options = options;
    this.client = client(options);
    this.configText = Files.readString(options.config(), StandardCharsets.UTF_8);
    this.config = parse(configText);
    this.view =
        new KubernetesClusterView(
            client,
            byName(config),
            Clock.system(),
            Duration.ofMinutes(10),
            SafetyWiring.nodeHints(config.safety()));
    if (options.dryRun()) {
      this.leadership = null;
      this.events = null;
    } else {
      this.leadership =
          new LeaseLeadership(
              client,
              options.namespace(),
              "ecokube-controller",
              options.identity(),
              Duration.ofSeconds(15),
              Duration.ofSeconds(10),
              Duration.ofSeconds(2));
      this.events =
          new KubernetesEventRecorder(
              client,
              n -> view.node(n).isPresent(),
              new V1ObjectReference()
                  .apiVersion("apps/v1")
                  .kind("Deployment")
                  .namespace(options.namespace())
                  .name("ecokube-controller"),
              options.identity(),
              1000);
    }
    this.metering = Metering.of(config);
    this.ledger =
        metering.ledger(EnergyLedger.builder(Clock.system()).tariff(config.accounting())).build();
    this.ledgerStore =
        options.dryRun()
            ? null
            : new LedgerStore(new ConfigMapState(client, options.namespace(), STATE_CONFIG_MAP));
    this.metrics = EcoKubeMetrics.builder(registry).ledger(ledger).build();
    this.api =
        ApiWiring.create(
            config,
            new KubernetesSecretResolver(client, SecretResolver.standard()),
            ledger,
            view::snapshot,
            this::lifecycleOf,
            Clock.system());
    this.calibration = CalibrationWiring.of(config, metering, registry);
    Gauge.builder("ecokube.leader", this, c -> c.isLeader() ? 1 : 0)
        .description("1 when this replica holds the Lease and acts")
        .register(registry);
    Gauge.builder("ecokube.informers.synced", view, v -> v.hasSynced() ? 1 : 0)
        .description("1 when the Node, Pod and PDB caches are synced")
        .register(registry);
    if (events != null) {
      FunctionCounter.builder("ecokube.events.dropped", events, e -> e.dropped())
          .description("Kubernetes Events dropped because the queue was full")
          .register(registry);
    }
    HealthServer.Builder hb =
        HealthServer.builder(new InetSocketAddress(0).getAddress(), options.httpPort())
            .readiness(this::notReadyReason)
            .metrics(registry::scrape)
            .api(api.api());
    if (options.metricsTokenFile().isPresent()) {
      Path f = options.metricsTokenFile().get();
      try {
        hb.metricsToken(Files.readString(f, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--metrics-token-file " + f + ": " + e.getMessage(), e);
      }
    }
    this.http = hb.build();
    this.leader =
        new LeaderEngine(
            new LeaderEngine.Parts(
                options,
                client,
                view,
                leadership,
                events,
                registry,
                ledger,
                ledgerStore,
                metrics,
                metering,
                calibration,
                heldBack));
  }

  /** Why this replica is not ready: caches not synced, or a part the leader could not start. */
  private Optional<String> notReadyReason() {
    if (!view.hasSynced()) {
      return Optional.of("syncing: the Node, Pod and PDB caches are not synced yet");
    }
    return leader.notReadyReason();
  }

  /** Validates a config text as {@code validate} does, secrets referenced in the cluster. */
  private EcoKubeConfig parse(String text) {
    return parse(text, options.config().toString());
  }

  private EcoKubeConfig parse(String text, String source) {
    SecretResolver secrets = new KubernetesSecretResolver(client, SecretResolver.standard());
    try (DriverRegistry check = DriverRegistry.builder().loadServices().secrets(secrets).build()) {
      return ConfigLoader.using(check, Set.of(KubernetesSecretResolver.SCHEME)).parse(text, source);
    }
  }

  private static Map<String, NodeSpec> byName(EcoKubeConfig c) {
    Map<String, NodeSpec> out = new LinkedHashMap<>();
    c.nodes().forEach(n -> out.put(n.name(), n));
    return out;
  }

  /**
   * Applies a valid reloaded config, or one that custom resources changed: the engine (when this
   * replica leads) stops and starts again with it, resuming every node from its annotations as
   * after a leadership change, so nothing in flight is lost. The ledger and the meters keep
   * running; the ledger prices energy from now on with the new tariff.
   */
  private synchronized void reconfigure(EcoKubeConfig next) {
    boolean running = leader.engine() != null;
    stopEngine();
    config = next;
    view.reconfigure(byName(next), SafetyWiring.nodeHints(next.safety()));
    ledger.changeTariff(next.accounting());
    if (running) {
      startEngine(options.dryRun());
    }
  }

  /**
   * NodePools, PowerPolicies and CostPolicies, when their CRDs are installed: the first effective
   * config is in force before the engine starts, and each change reconfigures the controller as a
   * reloaded config file does.
   */
  private void startResources() throws InterruptedException, IOException {
    resources =
        CustomResourceWiring.start(
            client,
            CustomResourceWiring.watchNamespace(options.namespace(), System.getenv()),
            options.identity(),
            options.config(),
            text -> parse(text, options.config() + " with custom resources"),
            new CustomResourceWiring.Hooks(
                view::nodes,
                this::reconfigure,
                this::engineFacts,
                () -> !options.dryRun() && isLeader()),
            options.interval());
    resources.ifPresent(r -> reconfigure(r.config()));
  }

  private synchronized Optional<EngineFacts> engineFacts() {
    EcoKubeEngine engine = leader.engine();
    return engine == null
        ? Optional.empty()
        : Optional.of(
            EngineFacts.read(
                engine,
                ledger,
                heldBack.recent(options.interval().multipliedBy(3)),
                Clock.system().now()));
  }

  /** The cluster view the engine plans on (for tests). */
  KubernetesClusterView clusterView() {
    return view;
  }

  /** The config running now. */
  EcoKubeConfig config() {
    return config;
  }

  /** The port of /healthz, /readyz and /metrics. */
  int httpPort() {
    return http.port();
  }

  private static ApiClient client(ControllerOptions o) throws IOException {
    ApiClient c;
    if (o.kubeconfig().isPresent()) {
      try (Reader r = Files.newBufferedReader(o.kubeconfig().get(), StandardCharsets.UTF_8)) {
        c = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(r)).build();
      }
    } else {
      // In a pod: the service account; elsewhere: $KUBECONFIG or ~/.kube/config.
      c = Config.defaultClient();
    }
    // Watches are long polls: no read timeout on this client (with --kubeconfig too, or the
    // informers' watches break every 10 s and the caches lag behind).
    c.setReadTimeout(0);
    return c;
  }

  void start() throws InterruptedException, IOException {
    http.start();
    LOG.info("health, metrics, API and dashboard on port {}", http.port());
    api.start();
    reloader =
        new ConfigReloader(
            options.config(),
            configText,
            this::parse,
            // With custom resources the file is their base: assemble them again on the new file.
            next ->
                resources.ifPresentOrElse(
                    CustomResourceWiring::fileChanged, () -> reconfigure(next)),
            why -> {
              if (events != null) {
                events.warning("ConfigRejected", why);
              }
            },
            options.interval());
    FunctionCounter.builder("ecokube.config.reloads", reloader, ConfigReloader::applied)
        .description("Changed config files applied without a restart")
        .tag("result", "applied")
        .register(registry);
    FunctionCounter.builder("ecokube.config.reloads", reloader, ConfigReloader::rejected)
        .description("Changed config files refused (invalid); the running config stayed")
        .tag("result", "refused")
        .register(registry);
    view.start();
    if (!view.awaitSynced(Duration.ofMinutes(2))) {
      LOG.warn("informer caches not synced after 2 minutes; /readyz stays 503 until they are");
    }
    startResources();
    if (options.dryRun()) {
      startEngine(true);
      return;
    }
    leadership.onChange(
        leader -> {
          if (leader) {
            startEngine(false);
          } else {
            stopEngine();
          }
        });
    leadership.start();
  }

  private synchronized void startEngine(boolean dryRun) {
    leader.start(config, dryRun);
  }

  private synchronized void stopEngine() {
    leader.stop();
  }

  /** A node's power state as this replica's engine knows it; empty when it does not lead. */
  private synchronized Optional<String> lifecycleOf(String node) {
    EcoKubeEngine engine = leader.engine();
    return engine == null ? Optional.empty() : engine.record(node).map(r -> r.state().name());
  }

  /** The ledger, for tests of what reaches it. */
  EnergyLedger ledger() {
    return ledger;
  }

  private boolean isLeader() {
    return options.dryRun() || (leadership != null && leadership.isLeader());
  }

  @Override
  public void close() {
    LOG.info("shutting down");
    if (reloader != null) {
      reloader.close();
    }
    resources.ifPresent(CustomResourceWiring::close);
    if (leadership != null) {
      leadership.close();
    }
    stopEngine();
    if (events != null) {
      events.close(Duration.ofSeconds(5));
    }
    view.close();
    api.close();
    http.close();
  }

  /**
   * The program: {@code run} (the controller, until SIGTERM/SIGINT) or {@code validate}; see {@link
   * EcoKubeCommand}.
   */
  public static void main(String[] args) {
    EcoKubeCommand.main(args);
  }
}
