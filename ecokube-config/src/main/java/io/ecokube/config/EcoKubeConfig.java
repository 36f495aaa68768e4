package io.ecokube.config;

import io.ecokube.api.node.NodeSpec;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.EnginePolicy;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A loaded, validated config: the nodes, the engine policy (which carries every declared pool's
 * rules) and the tariff used for accounting.
 *
 * @param nodes the nodes, in document order
 * @param policy the engine policy; its {@link EnginePolicy#pools()} holds every declared pool
 * @param accounting PUE, price and grid intensity for cost and carbon (flat or by hour)
 * @param warnings what loaded but looks unintended (a green label no node carries), each as {@code
 *     path: problem}
 * @param kafkaDemand consumer-group lag as demand ({@code demand.kafka}); empty: none
 * @param meters where measured watts come from ({@code meters}); empty: the power model only
 * @param forecast the demand forecast that pre-wakes nodes ({@code forecast}); off by default
 * @param calibration power-model refits from meter samples ({@code calibration}); empty: none
 * @param scaleEvents scale events run as task pods ({@code demand.scaleEvents}); empty: none
 * @param api who may call the JSON API ({@code api})
 * @param safety maintenance threshold, cluster-health breaker and Node hints ({@code safety})
 */
public record EcoKubeConfig(
    List<NodeSpec> nodes,
    EnginePolicy policy,
    Tariff accounting,
    List<String> warnings,
    Optional<KafkaDemand> kafkaDemand,
    Optional<MeterSettings> meters,
    ForecastSettings forecast,
    Optional<ScaleEvents> scaleEvents,
    Optional<CalibrationSettings> calibration,
    ApiSettings api,
    Safety safety) {
  /** The pool every config declares, whether it lists it or not. */
  public static final String DEFAULT_POOL = "default";

  /** Validates and copies. */
  public EcoKubeConfig {
    nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(accounting, "accounting");
    warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    Objects.requireNonNull(kafkaDemand, "kafkaDemand");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(forecast, "forecast");
    Objects.requireNonNull(scaleEvents, "scaleEvents");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(safety, "safety");
  }

  /**
   * A config with the default API settings (no token: the API refuses every call) and safety
   * limits.
   */
  public EcoKubeConfig(
      List<NodeSpec> nodes,
      EnginePolicy policy,
      Tariff accounting,
      List<String> warnings,
      Optional<KafkaDemand> kafkaDemand,
      Optional<MeterSettings> meters,
      ForecastSettings forecast,
      Optional<ScaleEvents> scaleEvents,
      Optional<CalibrationSettings> calibration) {
    this(
        nodes,
        policy,
        accounting,
        warnings,
        kafkaDemand,
        meters,
        forecast,
        scaleEvents,
        calibration,
        ApiSettings.DEFAULT,
        Safety.DEFAULT);
  }

  /** A config without meters, forecast, scale events or calibration. */
  public EcoKubeConfig(
      List<NodeSpec> nodes,
      EnginePolicy policy,
      Tariff accounting,
      List<String> warnings,
      Optional<KafkaDemand> kafkaDemand) {
    this(
        nodes,
        policy,
        accounting,
        warnings,
        kafkaDemand,
        Optional.empty(),
        ForecastSettings.off(),
        Optional.empty(),
        Optional.empty());
  }

  /** A config with no demand source but pending pods. */
  public EcoKubeConfig(
      List<NodeSpec> nodes, EnginePolicy policy, Tariff accounting, List<String> warnings) {
    this(nodes, policy, accounting, warnings, Optional.empty());
  }

  /** A config without warnings. */
  public EcoKubeConfig(List<NodeSpec> nodes, EnginePolicy policy, Tariff accounting) {
    this(nodes, policy, accounting, List.of());
  }

  /** The declared pools, sorted: {@code default} and every pool listed. */
  public Set<String> declaredPools() {
    Set<String> pools = new TreeSet<>(policy.pools().keySet());
    pools.add(DEFAULT_POOL);
    return pools;
  }

  /** A node by name. */
  public Optional<NodeSpec> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }
}
