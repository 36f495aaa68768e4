package io.ecokube.replay.policy;

import io.ecokube.api.time.Durations;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The policies the replay compares, each mapped onto {@link EnginePolicy} and {@link PoolPolicy}
 * settings and a reconcile interval (docs/replay.md explains each mapping). Besides these, the key
 * {@value #CLAIRVOYANT} names the clairvoyant bound, which is computed, not simulated.
 */
public final class PolicyCatalog {
  /** The key of the clairvoyant lower bound. */
  public static final String CLAIRVOYANT = "clairvoyant";

  /** Every key, in table order. */
  public static final List<String> KEYS =
      List.of(
          "always-on",
          "reactive",
          "idle-timeout",
          "autoscaler",
          "eco-default",
          "eco-predictive",
          CLAIRVOYANT);

  /** The pool every replay node is in. */
  public static final String POOL = "default";

  private static final Duration POLL = Duration.ofSeconds(10);

  /** Effectively no per-node cycle limit: the baselines have none. */
  private static final int UNLIMITED_CYCLES = 1_000_000;

  private PolicyCatalog() {}

  /**
   * The policy of a key.
   *
   * @param key one of {@link #KEYS} except {@value #CLAIRVOYANT}
   * @param nodes the cluster's size (always-on keeps all of them on)
   */
  public static ReplayPolicy policy(String key, int nodes) {
    return switch (key) {
      case "always-on" ->
          new ReplayPolicy(
              key,
              "always-on",
              "every node on all the time (minActive = warm reserve = all nodes)",
              EnginePolicy.builder()
                  .pool(
                      POOL, new PoolPolicy(nodes, nodes, OptionalDouble.empty(), Optional.empty()))
                  .build(),
              POLL,
              true,
              false);
      case "reactive" ->
          new ReplayPolicy(
              key,
              "reactive",
              "the prototype: wake on pending pods, power off as soon as a node is empty, 10 s"
                  + " polling",
              baseline(Duration.ZERO, Duration.ZERO, RateLimit.unlimited()),
              POLL,
              false,
              false);
      case "idle-timeout" ->
          new ReplayPolicy(
              key,
              "idle-timeout",
              "Slurm power saving: SuspendTime = 300 s idle before power-off",
              baseline(Duration.ofSeconds(300), Duration.ZERO, RateLimit.unlimited()),
              POLL,
              false,
              false);
      case "autoscaler" ->
          new ReplayPolicy(
              key,
              "autoscaler",
              "Cluster Autoscaler: 10 min unneeded, no scale-down within 10 min of a scale-up,"
                  + " 10 s scan, at most 10 empty nodes removed at once",
              baseline(
                  Duration.ofMinutes(10),
                  Duration.ofMinutes(10),
                  new RateLimit(10, Duration.ofSeconds(10))),
              POLL,
              false,
              false);
      case "eco-default" ->
          new ReplayPolicy(
              key,
              "eco-kube default",
              "EnginePolicy.defaults(): break-even idle grace, 10 min minimum uptime, 6 cycles per"
                  + " node a day, 10 wakes and 5 power-offs a minute",
              EnginePolicy.defaults(),
              POLL,
              false,
              false);
      case "eco-predictive" ->
          new ReplayPolicy(
              key,
              "eco-kube predictive",
              "eco-kube default plus pre-wake: forecast core demand over boot time wakes nodes"
                  + " early",
              EnginePolicy.defaults(),
              POLL,
              false,
              true);
      default ->
          throw new IllegalArgumentException(
              "unknown policy '" + key + "'; known: " + String.join(", ", KEYS));
    };
  }

  /** {@code idle-timeout} with another idle time before power-off (its knob, for sweeps). */
  public static ReplayPolicy idleTimeout(Duration grace) {
    return new ReplayPolicy(
        "idle-timeout",
        "idle-timeout " + Durations.format(grace),
        "Slurm power saving, SuspendTime = " + Durations.format(grace),
        baseline(grace, Duration.ZERO, RateLimit.unlimited()),
        POLL,
        false,
        false);
  }

  /** {@code autoscaler} with another unneeded time (and delay after a scale-up). */
  public static ReplayPolicy autoscaler(Duration unneeded) {
    return new ReplayPolicy(
        "autoscaler",
        "autoscaler " + Durations.format(unneeded),
        "Cluster Autoscaler, scale-down-unneeded-time = " + Durations.format(unneeded),
        baseline(unneeded, unneeded, new RateLimit(10, Duration.ofSeconds(10))),
        POLL,
        false,
        false);
  }

  /** {@code eco-default} with a fixed idle grace instead of the break-even time. */
  public static ReplayPolicy ecoGrace(Duration grace) {
    return new ReplayPolicy(
        "eco-default",
        "eco-kube grace " + Durations.format(grace),
        "eco-kube default with idle grace " + Durations.format(grace),
        EnginePolicy.builder()
            .pool(POOL, new PoolPolicy(0, 0, OptionalDouble.empty(), Optional.of(grace)))
            .build(),
        POLL,
        false,
        false);
  }

  /** {@code eco-default} keeping {@code warm} idle nodes on beyond demand. */
  public static ReplayPolicy ecoReserve(int warm) {
    return new ReplayPolicy(
        "eco-default",
        "eco-kube reserve " + warm,
        "eco-kube default with a warm reserve of " + warm + " node(s)",
        EnginePolicy.builder()
            .pool(POOL, new PoolPolicy(0, warm, OptionalDouble.empty(), Optional.empty()))
            .build(),
        POLL,
        false,
        false);
  }

  /** A baseline without Eco-Kube's limits: no cycle cap, unlimited wakes. */
  private static EnginePolicy baseline(Duration grace, Duration minUptime, RateLimit suspend) {
    return EnginePolicy.builder()
        .pool(POOL, new PoolPolicy(0, 0, OptionalDouble.empty(), Optional.of(grace)))
        .minUptime(minUptime)
        .maxCyclesPerNodePerDay(UNLIMITED_CYCLES)
        .wakeRate(RateLimit.unlimited())
        .suspendRate(suspend)
        .build();
  }

  /**
   * Parses a comma-separated list of keys (case-insensitive, blanks ignored, order kept, duplicates
   * dropped); {@code all} means every key.
   *
   * @throws IllegalArgumentException naming the unknown key and the known ones
   */
  public static List<String> parse(String list) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : list.split(",")) {
      String k = raw.trim().toLowerCase(Locale.ROOT);
      if (k.isEmpty()) {
        continue;
      }
      if (k.equals("all")) {
        out.addAll(KEYS);
      } else if (KEYS.contains(k)) {
        out.add(k);
      } else {
        throw new IllegalArgumentException(
            "unknown policy '" + raw.trim() + "'; known: " + String.join(", ", KEYS) + ", all");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "no policy given; known: " + String.join(", ", KEYS) + ", all");
    }
    return new ArrayList<>(out);
  }
}
