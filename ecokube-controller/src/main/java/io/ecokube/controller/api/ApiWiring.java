package io.ecokube.controller.api;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.config.MeterSettings;
import io.ecokube.controller.metering.PrometheusEndpoints;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.predict.arima.AutoArimaForecaster;
import io.ecokube.predict.calibration.CalibrationMethod;
import io.ecokube.predict.calibration.LinearCalibration;
import io.ecokube.predict.calibration.PowerCalibration;
import io.ecokube.prometheus.attribution.Attribution;
import io.ecokube.prometheus.attribution.KeplerAttribution;
import io.ecokube.prometheus.attribution.PodKey;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.kepler.KeplerMeterConfig;
import io.ecokube.prometheus.kepler.KeplerPowerMeter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes the API from the config and the controller's parts: the token from {@code api.token},
 * Kepler attribution from the {@code meters.kepler} Prometheus endpoint, pod owners and node states
 * from the cluster view, the ledger and its history, demand and its forecast. Samples the ledger
 * and the demand every {@link #PERIOD} while started.
 */
public final class ApiWiring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiWiring.class);

  /** How often the ledger's totals and the demand are sampled. */
  public static final Duration PERIOD = Duration.ofSeconds(30);

  private final EcoKubeApi api;
  private final LedgerHistory history;
  private final DemandHistory demand;
  private final Optional<PrometheusClient> prometheus;
  private ScheduledExecutorService sampler;

  private ApiWiring(
      EcoKubeApi api,
      LedgerHistory history,
      DemandHistory demand,
      Optional<PrometheusClient> prometheus) {
    this.api = api;
    this.history = history;
    this.demand = demand;
    this.prometheus = prometheus;
  }

  /**
   * Wires the API.
   *
   * @param config the loaded config
   * @param secrets resolves {@code api.token} and the Prometheus credentials
   * @param ledger the controller's ledger
   * @param cluster the cluster now (nodes, pods and their owners)
   * @param lifecycle a node's power state as the engine knows it, when it does
   * @param clock time
   * @throws IllegalArgumentException when a secret cannot be read (the message names its reference)
   */
  public static ApiWiring create(
      EcoKubeConfig config,
      SecretResolver secrets,
      EnergyLedger ledger,
      Supplier<ClusterSnapshot> cluster,
      Function<String, Optional<String>> lifecycle,
      Clock clock) {
    EcoKubeApi.Builder b = EcoKubeApi.builder(clock, config.accounting());
    if (config.api().token().isPresent()) {
      try {
        b.token(secrets.resolve(config.api().token().get()).reveal());
      } catch (RuntimeException e) {
        // The API must not take power management down with it: it refuses every call instead.
        String why =
            "api.token "
                + config.api().token().get()
                + " cannot be read ("
                + e.getMessage()
                + "); create that Secret or file, then restart";
        LOG.error("{}; /api/v1 refuses every call until then", why);
        b.refuseAll(why);
      }
    } else if (config.api().anonymous()) {
      LOG.warn("the API at /api/v1 answers without a token (api.anonymous: true)");
      b.anonymous(true);
    } else {
      LOG.info("no api.token configured: /api/v1 refuses every call until one is");
    }
    LedgerHistory history = new LedgerHistory(ledger::report, 20_160);
    b.ledger(ledger, history);
    b.nodes(() -> nodes(cluster.get(), lifecycle));
    Optional<PrometheusClient> client = Optional.empty();
    Optional<MeterSettings.Kepler> kepler = config.meters().flatMap(MeterSettings::kepler);
    if (kepler.isPresent()) {
      PrometheusClient c =
          new PrometheusClient(
              PrometheusEndpoints.clientConfig(kepler.get().prometheus(), secrets));
      client = Optional.of(c);
      KeplerMeterConfig mc =
          KeplerMeterConfig.builder()
              .nodeLabel(kepler.get().nodeLabel())
              .rateWindow(kepler.get().rateWindow())
              .build();
      KeplerAttribution attribution =
          new KeplerAttribution(c, mc, new KeplerPowerMeter(c, mc, clock), clock);
      b.attribution(
          new PowerAttribution() {
            @Override
            public Attribution power() throws PowerException {
              return attribution.power();
            }

            @Override
            public Attribution energy(Instant from, Instant to) throws PowerException {
              return attribution.energy(from, to);
            }
          },
          owners(cluster));
    }
    initialCalibration(config).ifPresent(c -> b.calibration(c.calibration(), c.source()));
    DemandHistory demand =
        new DemandHistory(
            () -> requestedCores(cluster.get()),
            PERIOD,
            2_880,
            AutoArimaForecaster.builder().build(),
            clock);
    b.demand(demand);
    return new ApiWiring(b.build(), history, demand, client);
  }

  /** The API, for the HTTP server. */
  public EcoKubeApi api() {
    return api;
  }

  /** Starts sampling the ledger and the demand. */
  public synchronized void start() {
    if (sampler != null) {
      return;
    }
    sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ecokube-api-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleWithFixedDelay(this::sampleSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sampleSafely() {
    try {
      history.sample();
      demand.sample();
    } catch (RuntimeException e) {
      LOG.warn("sampling the ledger and demand for the API failed: {}", e.toString());
    }
  }

  /**
   * Which workload owns each pod. A Deployment's pods are owned by a ReplicaSet named {@code
   * <deployment>-<pod-template-hash>}; the view does not watch ReplicaSets, so the hash is cut from
   * the name to reach the Deployment, the workload people name.
   */
  static Function<PodKey, Optional<WorkloadRef>> owners(Supplier<ClusterSnapshot> cluster) {
    return new Function<>() {
      private Map<PodKey, WorkloadRef> cache = Map.of();
      private Instant cachedAt = Instant.MIN;

      @Override
      public synchronized Optional<WorkloadRef> apply(PodKey pod) {
        ClusterSnapshot s = cluster.get();
        if (!s.takenAt().equals(cachedAt)) {
          Map<PodKey, WorkloadRef> m = new HashMap<>();
          for (PodInfo p : s.pods()) {
            p.owner().ifPresent(o -> m.put(new PodKey(p.namespace(), p.name()), workload(o)));
          }
          cache = m;
          cachedAt = s.takenAt();
        }
        return Optional.ofNullable(cache.get(pod));
      }
    };
  }

  static WorkloadRef workload(WorkloadRef owner) {
    if (owner.kind().equals("ReplicaSet")) {
      int dash = owner.name().lastIndexOf('-');
      if (dash > 0) {
        return new WorkloadRef(owner.namespace(), "Deployment", owner.name().substring(0, dash));
      }
    }
    return owner;
  }

  static List<NodeStatus> nodes(ClusterSnapshot s, Function<String, Optional<String>> lifecycle) {
    List<NodeStatus> out = new ArrayList<>();
    for (ClusterNode n : s.nodes()) {
      NodeSpec spec = n.spec();
      String state = lifecycle.apply(n.name()).orElse(n.ready() ? "ACTIVE" : "UNKNOWN");
      PowerProfile p = spec.power();
      double watts =
          switch (state) {
            case "OFF" -> p.offWatts();
            case "BOOTING", "SHUTTING_DOWN" -> p.transitionWatts();
            default -> p.idleWatts();
          };
      out.add(new NodeStatus(n.name(), spec.pool(), state, n.ready(), n.cordoned(), watts));
    }
    return out;
  }

  /** Cores requested by work pods, running or waiting for a node. */
  static double requestedCores(ClusterSnapshot s) {
    long millis = 0;
    for (PodInfo p : s.pods()) {
      if (p.kind().countsAsWork() && (p.phase().active() || p.unscheduled())) {
        millis += p.scheduling().requests().cpuMillis();
      }
    }
    return millis / 1000.0;
  }

  /**
   * Until samples are posted, the predictor works from the first node's power profile: idle to
   * full-load watts over utilisation, and one core adding one core's share of its CPUs.
   */
  static Optional<CalibrationHolder.Current> initialCalibration(EcoKubeConfig config) {
    for (NodeSpec n : config.nodes()) {
      double cores = n.allocatable().cpuMillis() / 1000.0;
      PowerProfile p = n.power();
      if (cores <= 0 || !(p.maxWatts() > p.idleWatts())) {
        continue;
      }
      LinearCalibration util =
          new LinearCalibration(
              "container cores -> node utilisation",
              1 / cores,
              0,
              1,
              0,
              2,
              0,
              cores,
              CalibrationMethod.LEAST_SQUARES);
      LinearCalibration watts =
          new LinearCalibration(
              "node utilisation -> watts",
              p.maxWatts() - p.idleWatts(),
              p.idleWatts(),
              1,
              0,
              2,
              0,
              1,
              CalibrationMethod.LEAST_SQUARES);
      return Optional.of(
          new CalibrationHolder.Current(
              new PowerCalibration(util, watts),
              "power profile of node " + n.name(),
              Optional.empty()));
    }
    return Optional.empty();
  }

  @Override
  public synchronized void close() {
    if (sampler != null) {
      sampler.shutdownNow();
      sampler = null;
    }
    prometheus.ifPresent(PrometheusClient::close);
  }
}
