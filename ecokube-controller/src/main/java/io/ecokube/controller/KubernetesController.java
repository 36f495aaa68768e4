package io.ecokube.controller;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.time.Clock;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.api.ApiWiring;
import io.ecokube.controller.calibration.CalibrationWiring;
import io.ecokube.controller.demand.KafkaDemandFeed;
import io.ecokube.controller.demand.KafkaDemandWiring;
import io.ecokube.controller.events.ScaleEventsWiring;
import io.ecokube.controller.forecast.ForecastWiring;
import io.ecokube.controller.logging.PlanLog;
import io.ecokube.controller.metering.Metering;
import io.ecokube.controller.metrics.NodeStateGauges;
import io.ecokube.controller.reload.ConfigReloader;
import io.ecokube.controller.resources.CustomResourceWiring;
import io.ecokube.controller.resources.EngineFacts;
import io.ecokube.controller.resources.HeldBackMemo;
import io.ecokube.controller.safety.SafetyWiring;
import io.ecokube.controller.state.CalibrationStore;
import io.ecokube.controller.state.LedgerStore;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.engine.EcoKubeEngine;
import io.ecokube.kubernetes.ConfigMapState;
import io.ecokube.kubernetes.KubernetesActuator;
import io.ecokube.kubernetes.KubernetesClusterView;
import io.ecokube.kubernetes.KubernetesEventRecorder;
import io.ecokube.kubernetes.KubernetesSecretResolver;
import io.ecokube.kubernetes.KubernetesWorkloadScaler;
import io.ecokube.kubernetes.NodeAnnotationStateStore;
import io.ecokube.kubernetes.NodeMaintenanceStatus;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Endpoints: {@code /healthz} (process up), {@code /readyz} (caches synced), {@code /metrics}
 * (Prometheus text, from Micrometer: the engine, node, energy and savings metrics of {@link
 * EcoKubeMetrics} plus the leader, informer and event-queue gauges).
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
  private EcoKubeEngine engine;
  private DriverRegistry drivers;
  private ScaleEventsWiring scaleEvents;
  private KafkaDemandFeed kafkaDemand;

  /** The ConfigMap, in the controller's namespace, that keeps state across restarts. */
  static final String STATE_CONFIG_MAP = "ecokube-state";

  private final LedgerStore ledgerStore;
  private boolean ledgerContinued;
  private ScheduledExecutorService stateSaver;

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
            .ready(view::hasSynced)
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
    boolean running = engine != null;
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

  private static Map<String, NodeRecord> records(EcoKubeEngine e) {
    return e == null ? Map.of() : e.records();
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
    if (engine != null) {
      return;
    }
    AtomicReference<EcoKubeEngine> built = new AtomicReference<>();
    NodeStateGauges gauges = new NodeStateGauges(metrics, () -> records(built.get()));
    SecretResolver secrets = new KubernetesSecretResolver(client, SecretResolver.standard());
    drivers = DriverRegistry.builder().loadServices().secrets(secrets).build();
    ClusterActuator actuator;
    NodeStateStore store;
    if (!dryRun) {
      continueLedger();
    }
    registerNodesInLedger();
    metering.start(drivers, secrets, ledger, view::snapshot, Clock.system());
    calibration.ifPresent(
        c ->
            c.start(
                ledger,
                Optional.ofNullable(ledgerStore).map(s -> new CalibrationStore(s.state())),
                Clock.system()));
    EcoKubeEngine.Builder b =
        EcoKubeEngine.builder()
            .clusterView(metrics.observing(view))
            .policy(config.policy())
            .interval(options.interval())
            .tariff(config.accounting())
            .costSoFar(() -> ledger.report().actual().cost())
            .listener(new PlanLog(dryRun))
            .listener(ledger)
            .listener(metrics)
            .listener(heldBack)
            .decisionTimer(
                took -> {
                  metrics.recordDecision(took);
                  gauges.sync();
                });
    if (dryRun) {
      actuator = new DryRunActuator();
      store = NodeStateStore.inMemory();
      b.drivers(n -> List.of());
    } else {
      actuator =
          new KubernetesActuator(
              client, view, Clock.system(), Duration.ofSeconds(2), Duration.ofSeconds(30));
      store = new NodeAnnotationStateStore(client);
      // One gate, the engine's, asks the Lease before every actuator, driver and store call.
      b.drivers(drivers::chainFor).listener(events).gate(leadership::isLeader);
      SafetyWiring.maintenance(
          config.safety(),
          b,
          view,
          events,
          new NodeMaintenanceStatus(client, Clock.system()),
          registry,
          leadership::isLeader);
    }
    SafetyWiring.clusterHealth(config.safety(), b);
    if (config.kafkaDemand().isPresent()) {
      // Lag becomes desired replicas, and replicas that do not fit become wakes in the same
      // reconcile: the backlog wakes nodes before any pod exists.
      kafkaDemand =
          KafkaDemandWiring.start(
              config.kafkaDemand().get(),
              secrets,
              Clock.system(),
              dryRun
                  ? Optional.empty()
                  : Optional.of(
                      new KubernetesWorkloadScaler(
                          client, KubernetesWorkloadScaler.Mode.SUBRESOURCE)),
              d -> {});
      b.demand(kafkaDemand::latest);
      LOG.info(
          "{}: backlog of {} workload(s) from Kafka is demand",
          options.identity(),
          config.kafkaDemand().get().workloads().size());
    }
    // The forecast wraps the demand above: its pods wake nodes before the demand arrives.
    ForecastWiring.start(
            config.forecast(),
            config.nodes(),
            Optional.ofNullable(kafkaDemand).map(k -> k::latest),
            view::snapshot,
            metrics,
            registry,
            Clock.system(),
            ForecastWiring.OWN_THREAD)
        .ifPresent(b::demand);
    engine = b.actuator(actuator).stateStore(store).build();
    built.set(engine);
    if (!dryRun) {
      stateSaver = Daemons.scheduler("ecokube-state-saver");
      long period = options.interval().toMillis();
      stateSaver.scheduleWithFixedDelay(this::saveLedger, period, period, TimeUnit.MILLISECONDS);
    }
    engine.start();
    if (!dryRun && config.scaleEvents().isPresent()) {
      // Only the leader consumes; a new leader adopts the tasks the last one left running.
      try {
        scaleEvents =
            ScaleEventsWiring.start(
                config.scaleEvents().get(),
                client,
                options.namespace(),
                secrets,
                Clock.system(),
                registry,
                o -> events.task(o.taskId(), o.successful(), o.toString()));
      } catch (IllegalStateException | IllegalArgumentException e) {
        // A missing dead-letter topic or an unreadable password: nodes are still managed.
        LOG.error("scale events not read: {}", e.getMessage());
      }
    }
    LOG.info("{}: engine started{}", options.identity(), dryRun ? " (dry run)" : " as leader");
  }

  private synchronized void stopEngine() {
    metering.stop();
    calibration.ifPresent(CalibrationWiring::stop);
    if (scaleEvents != null) {
      scaleEvents.close();
      scaleEvents = null;
    }
    if (kafkaDemand != null) {
      kafkaDemand.close();
      kafkaDemand = null;
    }
    if (stateSaver != null) {
      stateSaver.shutdownNow();
      stateSaver = null;
      saveLedger();
    }
    if (engine != null) {
      engine.close();
      engine = null;
      drivers.close();
      drivers = null;
      LOG.info("{}: engine stopped", options.identity());
    }
  }

  /**
   * The first time this replica leads, its ledger continues the totals stored in the cluster by the
   * replica before it. A replica that leads again keeps its own count: its ledger has been
   * accounting since it first led.
   */
  private void continueLedger() {
    if (ledgerContinued) {
      return;
    }
    ledgerContinued = true;
    try {
      ledgerStore.restore(ledger);
    } catch (ActuatorException e) {
      LOG.error(
          "stored energy totals cannot be read: {}; this run's totals are not saved, so they"
              + " cannot overwrite the stored ones",
          e.getMessage());
    }
  }

  /** At most once per reconcile period: the totals survive a restart or a failover. */
  private void saveLedger() {
    try {
      // False only after a failed restore, which said so once.
      ledgerStore.save(ledger);
    } catch (ActuatorException e) {
      LOG.error("energy totals not saved: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("energy totals not saved", e);
    }
  }

  /** Accounts every node known now, on or off as the cluster sees it; later nodes are not. */
  private void registerNodesInLedger() {
    for (ClusterNode n : view.snapshot().nodes()) {
      try {
        ledger.register(n.spec(), n.ready() ? NodeLifecycle.ACTIVE : NodeLifecycle.OFF);
      } catch (IllegalArgumentException alreadyThere) {
        // Leadership came back: the ledger kept counting this node meanwhile.
      }
    }
  }

  /** A node's power state as this replica's engine knows it; empty when it does not lead. */
  private synchronized Optional<String> lifecycleOf(String node) {
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

  /** Logs what it would do; changes nothing. */
  private static final class DryRunActuator implements ClusterActuator {
    @Override
    public void cordon(String node) {
      LOG.info("[dry run] would cordon {}", node);
    }

    @Override
    public void uncordon(String node) {
      LOG.info("[dry run] would uncordon {}", node);
    }

    @Override
    public DrainResult drain(String node, Duration timeout) throws ActuatorException {
      LOG.info("[dry run] would drain {} (timeout {})", node, timeout);
      return new DrainResult(false, List.of(), "dry run: nothing evicted");
    }

    @Override
    public void markPoweredOff(String node, boolean poweredOff) {
      LOG.info("[dry run] would {} the powered-off mark on {}", poweredOff ? "set" : "clear", node);
    }
  }

  /**
   * The program: {@code run} (the controller, until SIGTERM/SIGINT) or {@code validate}; see {@link
   * EcoKubeCommand}.
   */
  public static void main(String[] args) {
    EcoKubeCommand.main(args);
  }
}
