package io.ecokube.controller;

import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.state.NodeRecord;
import io.ecokube.api.state.NodeStateStore;
import io.ecokube.api.time.Clock;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.calibration.CalibrationWiring;
import io.ecokube.controller.demand.KafkaDemandFeed;
import io.ecokube.controller.demand.KafkaDemandWiring;
import io.ecokube.controller.events.ScaleEventsWiring;
import io.ecokube.controller.forecast.ForecastWiring;
import io.ecokube.controller.logging.PlanLog;
import io.ecokube.controller.metering.Metering;
import io.ecokube.controller.metrics.NodeStateGauges;
import io.ecokube.controller.resources.HeldBackMemo;
import io.ecokube.controller.safety.SafetyWiring;
import io.ecokube.controller.state.CalibrationStore;
import io.ecokube.controller.state.LedgerStore;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.engine.EcoKubeEngine;
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
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of the replica that leads (or of a dry run), from start to stop: builds a new engine
 * with its drivers, actuator, state store, demand feeds and scale-event consumer each time
 * leadership is won, so it resumes from the Node annotations, and closes all of it when leadership
 * is lost. The ledger, meters and cluster view outlive it.
 */
final class LeaderEngine {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesController.class);

  /**
   * What outlives every engine run; {@code leadership}, {@code events}, {@code ledgerStore} null in
   * a dry run.
   */
  record Parts(
      ControllerOptions options,
      ApiClient client,
      KubernetesClusterView view,
      LeaseLeadership leadership,
      KubernetesEventRecorder events,
      PrometheusMeterRegistry registry,
      EnergyLedger ledger,
      LedgerStore ledgerStore,
      EcoKubeMetrics metrics,
      Metering metering,
      Optional<CalibrationWiring> calibration,
      HeldBackMemo heldBack) {}

  private final Parts p;
  private final LedgerContinuity continuity;
  private EcoKubeEngine engine;
  private DriverRegistry drivers;
  private ScaleEventsWiring scaleEvents;
  private volatile Optional<String> notReady = Optional.empty();
  private KafkaDemandFeed kafkaDemand;

  LeaderEngine(Parts parts) {
    this.p = parts;
    this.continuity = new LedgerContinuity(parts.ledger(), parts.ledgerStore(), parts.view());
  }

  /** The running engine, or null when this replica does not lead. */
  synchronized EcoKubeEngine engine() {
    return engine;
  }

  private static Map<String, NodeRecord> records(EcoKubeEngine e) {
    return e == null ? Map.of() : e.records();
  }

  /** Starts an engine on {@code config}, unless one runs. */
  synchronized void start(EcoKubeConfig config, boolean dryRun) {
    if (engine != null) {
      return;
    }
    AtomicReference<EcoKubeEngine> built = new AtomicReference<>();
    NodeStateGauges gauges = new NodeStateGauges(p.metrics(), () -> records(built.get()));
    SecretResolver secrets = new KubernetesSecretResolver(p.client(), SecretResolver.standard());
    drivers = DriverRegistry.builder().loadServices().secrets(secrets).build();
    ClusterActuator actuator;
    NodeStateStore store;
    if (!dryRun) {
      continuity.continueStored();
    }
    continuity.registerNodes();
    p.metering().start(drivers, secrets, p.ledger(), p.view()::snapshot, Clock.system());
    p.calibration()
        .ifPresent(
            c ->
                c.start(
                    p.ledger(),
                    Optional.ofNullable(p.ledgerStore()).map(s -> new CalibrationStore(s.state())),
                    Clock.system()));
    EcoKubeEngine.Builder b =
        EcoKubeEngine.builder()
            .clusterView(p.metrics().observing(p.view()))
            .policy(config.policy())
            .interval(p.options().interval())
            .tariff(config.accounting())
            .costSoFar(() -> p.ledger().report().actual().cost())
            .listener(new PlanLog(dryRun))
            .listener(p.ledger())
            .listener(p.metrics())
            .listener(p.heldBack())
            .decisionTimer(
                took -> {
                  p.metrics().recordDecision(took);
                  gauges.sync();
                });
    if (dryRun) {
      actuator = new DryRunActuator();
      store = NodeStateStore.inMemory();
      b.drivers(n -> List.of());
    } else {
      actuator =
          new KubernetesActuator(
              p.client(), p.view(), Clock.system(), Duration.ofSeconds(2), Duration.ofSeconds(30));
      store = new NodeAnnotationStateStore(p.client());
      // One gate, the engine's, asks the Lease before every actuator, driver and store call.
      b.drivers(drivers::chainFor).listener(p.events()).gate(p.leadership()::isLeader);
      SafetyWiring.maintenance(
          config.safety(),
          b,
          p.view(),
          p.events(),
          new NodeMaintenanceStatus(p.client(), Clock.system()),
          p.registry(),
          p.leadership()::isLeader);
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
                          p.client(), KubernetesWorkloadScaler.Mode.SUBRESOURCE)),
              d -> {});
      b.demand(kafkaDemand::latest);
      LOG.info(
          "{}: backlog of {} workload(s) from Kafka is demand",
          p.options().identity(),
          config.kafkaDemand().get().workloads().size());
    }
    // The forecast wraps the demand above: its pods wake nodes before the demand arrives.
    ForecastWiring.start(
            config.forecast(),
            config.nodes(),
            Optional.ofNullable(kafkaDemand).map(k -> k::latest),
            p.view()::snapshot,
            p.metrics(),
            p.registry(),
            Clock.system(),
            ForecastWiring.OWN_THREAD)
        .ifPresent(b::demand);
    // The budget's spend continues from the replica before, or from this one's last term.
    continuity.budget().ifPresent(b::budgetState);
    engine = b.actuator(actuator).stateStore(store).build();
    built.set(engine);
    if (!dryRun) {
      continuity.startSaving(p.options().interval(), engine::budgetState);
    }
    engine.start();
    if (!dryRun && config.scaleEvents().isPresent()) {
      // Only the leader consumes; a new leader adopts the tasks the last one left running.
      try {
        scaleEvents =
            ScaleEventsWiring.start(
                config.scaleEvents().get(),
                p.client(),
                p.options().namespace(),
                secrets,
                Clock.system(),
                p.registry(),
                o -> p.events().task(o.taskId(), o.successful(), o.toString()));
      } catch (IllegalStateException | IllegalArgumentException e) {
        // A missing dead-letter topic or an unreadable password: nodes are still managed.
        LOG.error("scale events not read: {}", e.getMessage());
        notReady = Optional.of("scale events not read: " + e.getMessage());
      }
    }
    LOG.info("{}: engine started{}", p.options().identity(), dryRun ? " (dry run)" : " as leader");
  }

  /**
   * Why the leader runs with a part missing (a scale-event source that could not start), for {@code
   * /readyz}; empty when all is running or this replica does not lead.
   */
  Optional<String> notReadyReason() {
    return notReady;
  }

  /** Stops the engine and what it started, if running. */
  synchronized void stop() {
    notReady = Optional.empty();
    p.metering().stop();
    p.calibration().ifPresent(CalibrationWiring::stop);
    if (scaleEvents != null) {
      scaleEvents.close();
      scaleEvents = null;
    }
    if (kafkaDemand != null) {
      kafkaDemand.close();
      kafkaDemand = null;
    }
    continuity.stopSaving();
    if (engine != null) {
      engine.close();
      engine = null;
      drivers.close();
      drivers = null;
      LOG.info("{}: engine stopped", p.options().identity());
    }
  }
}
