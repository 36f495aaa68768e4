package io.ecokube.core.policy;

import io.ecokube.api.time.Durations;
import io.ecokube.core.decision.rank.WakeRanker;
import io.ecokube.core.decision.rank.WakeRankers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Everything the decision step is allowed to do, immutable. Build it with {@link #builder()}; the
 * defaults are the safe, energy-saving ones documented on each builder method.
 *
 * @param pools per-pool rules; pools not listed use {@link PoolPolicy#defaults()}
 * @param clusterPowerCapWatts no wake that would push the cluster's projected draw above this
 * @param wakeRate how many wakes the whole cluster may start per window
 * @param suspendRate how many power-offs the whole cluster may start per window
 * @param maxCyclesPerNodePerDay a node is powered on at most this often in 24 h
 * @param minUptime a woken node stays on at least this long
 * @param maxPoweredOffDuration a node off for longer is woken (patching, disk health)
 * @param bootTimeoutGrace added to a node's boot time before a boot counts as failed
 * @param shutdownTimeoutGrace added to a node's shutdown time before a shutdown counts as failed
 * @param attemptsPerDriver how many times an action is tried with one driver before the next
 * @param retryBackoff the first retry's delay; doubles per attempt up to {@code maxRetryBackoff}
 * @param maxRetryBackoff the longest retry delay, also the longest re-probe interval of FAILED
 *     nodes
 * @param drainTimeout how long a drain may take before the node is given back (uncordoned)
 * @param demandStaleAfter demand older than this counts as stale (no scale-down)
 * @param budget cost budgets for optional wakes
 * @param green which nodes are preferred when waking, and how strongly
 * @param carbon which workloads may wait for a lower-carbon hour
 * @param wakeRanker the name of the {@link WakeRanker} that orders OFF nodes for waking; one of
 *     {@link WakeRankers#names()}
 */
public record EnginePolicy(
    Map<String, PoolPolicy> pools,
    OptionalDouble clusterPowerCapWatts,
    RateLimit wakeRate,
    RateLimit suspendRate,
    int maxCyclesPerNodePerDay,
    Duration minUptime,
    Optional<Duration> maxPoweredOffDuration,
    Duration bootTimeoutGrace,
    Duration shutdownTimeoutGrace,
    int attemptsPerDriver,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    Duration drainTimeout,
    Duration demandStaleAfter,
    CostBudget budget,
    GreenPreference green,
    CarbonPolicy carbon,
    String wakeRanker) {

  /** Validates and copies. */
  public EnginePolicy {
    pools = Map.copyOf(Objects.requireNonNull(pools, "pools"));
    Objects.requireNonNull(clusterPowerCapWatts, "clusterPowerCapWatts");
    Objects.requireNonNull(wakeRate, "wakeRate");
    Objects.requireNonNull(suspendRate, "suspendRate");
    Objects.requireNonNull(maxPoweredOffDuration, "maxPoweredOffDuration");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(green, "green");
    Objects.requireNonNull(carbon, "carbon");
    // Resolving the name here makes a typo fail when the policy is built, listing the known names,
    // rather than at the first decision step.
    WakeRankers.named(Objects.requireNonNull(wakeRanker, "wakeRanker"));
    requirePositive("minUptime", minUptime, true);
    requirePositive("bootTimeoutGrace", bootTimeoutGrace, true);
    requirePositive("shutdownTimeoutGrace", shutdownTimeoutGrace, true);
    requirePositive("retryBackoff", retryBackoff, false);
    requirePositive("maxRetryBackoff", maxRetryBackoff, false);
    requirePositive("drainTimeout", drainTimeout, false);
    requirePositive("demandStaleAfter", demandStaleAfter, false);
    maxPoweredOffDuration.ifPresent(d -> requirePositive("maxPoweredOffDuration", d, false));
    if (clusterPowerCapWatts.isPresent() && !(clusterPowerCapWatts.getAsDouble() > 0)) {
      throw new IllegalArgumentException(
          "clusterPowerCapWatts must be > 0, got " + clusterPowerCapWatts.getAsDouble());
    }
    if (maxCyclesPerNodePerDay < 1) {
      throw new IllegalArgumentException(
          "maxCyclesPerNodePerDay must be >= 1, got " + maxCyclesPerNodePerDay);
    }
    if (attemptsPerDriver < 1) {
      throw new IllegalArgumentException(
          "attemptsPerDriver must be >= 1, got " + attemptsPerDriver);
    }
    if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException("maxRetryBackoff must be >= retryBackoff");
    }
    if (maxRetryBackoff.compareTo(Durations.MAX) > 0) {
      // The retry delays are an io.ecokube.api.time.Backoff, which is bounded so.
      throw new IllegalArgumentException(
          "maxRetryBackoff must be at most " + Durations.MAX + ", got " + maxRetryBackoff);
    }
  }

  private static void requirePositive(String name, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException(
          name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + d);
    }
  }

  /** The policy of a pool (its own, or the defaults). */
  public PoolPolicy pool(String pool) {
    return pools.getOrDefault(pool, PoolPolicy.defaults());
  }

  /** The default policy. */
  public static EnginePolicy defaults() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link EnginePolicy}. */
  public static final class Builder {
    private final Map<String, PoolPolicy> pools = new LinkedHashMap<>();
    private OptionalDouble clusterPowerCapWatts = OptionalDouble.empty();
    private RateLimit wakeRate = new RateLimit(10, Duration.ofMinutes(1));
    private RateLimit suspendRate = new RateLimit(5, Duration.ofMinutes(1));
    private int maxCyclesPerNodePerDay = 6;
    private Duration minUptime = Duration.ofMinutes(10);
    private Optional<Duration> maxPoweredOffDuration = Optional.empty();
    private Duration bootTimeoutGrace = Duration.ofMinutes(2);
    private Duration shutdownTimeoutGrace = Duration.ofMinutes(2);
    private int attemptsPerDriver = 2;
    private Duration retryBackoff = Duration.ofSeconds(30);
    private Duration maxRetryBackoff = Duration.ofMinutes(30);
    private Duration drainTimeout = Duration.ofMinutes(5);
    private Duration demandStaleAfter = Duration.ofSeconds(30);
    private CostBudget budget = CostBudget.none();
    private GreenPreference green = GreenPreference.defaults();
    private CarbonPolicy carbon = CarbonPolicy.none();
    private String wakeRanker = WakeRankers.DEFAULT;

    private Builder() {}

    /** Sets a pool's rules. */
    public Builder pool(String name, PoolPolicy policy) {
      pools.put(name, policy);
      return this;
    }

    /** Caps the cluster's projected draw (default: no cap). */
    public Builder clusterPowerCapWatts(double watts) {
      clusterPowerCapWatts = OptionalDouble.of(watts);
      return this;
    }

    /** Wakes per window for the cluster (default 10 per minute). */
    public Builder wakeRate(RateLimit limit) {
      wakeRate = limit;
      return this;
    }

    /** Power-offs per window for the cluster (default 5 per minute). */
    public Builder suspendRate(RateLimit limit) {
      suspendRate = limit;
      return this;
    }

    /** Power-ons per node per 24 h (default 6). */
    public Builder maxCyclesPerNodePerDay(int cycles) {
      maxCyclesPerNodePerDay = cycles;
      return this;
    }

    /** Minimum time on after a wake (default 10 min). */
    public Builder minUptime(Duration d) {
      minUptime = d;
      return this;
    }

    /** Wake nodes that have been off longer than this (default: never). */
    public Builder maxPoweredOffDuration(Duration d) {
      maxPoweredOffDuration = Optional.of(d);
      return this;
    }

    /** Slack on top of a node's boot time before the boot counts as failed (default 2 min). */
    public Builder bootTimeoutGrace(Duration d) {
      bootTimeoutGrace = d;
      return this;
    }

    /** Slack on top of a node's shutdown time before it counts as failed (default 2 min). */
    public Builder shutdownTimeoutGrace(Duration d) {
      shutdownTimeoutGrace = d;
      return this;
    }

    /** Attempts with one driver before falling back to the next (default 2). */
    public Builder attemptsPerDriver(int n) {
      attemptsPerDriver = n;
      return this;
    }

    /** First retry delay (default 30 s); doubles per attempt. */
    public Builder retryBackoff(Duration d) {
      retryBackoff = d;
      return this;
    }

    /** Longest retry and re-probe delay (default 30 min). */
    public Builder maxRetryBackoff(Duration d) {
      maxRetryBackoff = d;
      return this;
    }

    /** Longest drain before giving the node back (default 5 min). */
    public Builder drainTimeout(Duration d) {
      drainTimeout = d;
      return this;
    }

    /** Age after which demand counts as stale (default 30 s). */
    public Builder demandStaleAfter(Duration d) {
      demandStaleAfter = d;
      return this;
    }

    /** Cost budgets for optional wakes (default: none). */
    public Builder budget(CostBudget b) {
      budget = b;
      return this;
    }

    /** The green label and its weight (default {@code ecokube.io/green=true}, 0.8). */
    public Builder green(GreenPreference g) {
      green = g;
      return this;
    }

    /** Carbon-aware deferral (default: no workload deferrable, 20 % threshold). */
    public Builder carbon(CarbonPolicy c) {
      carbon = c;
      return this;
    }

    /**
     * The order OFF nodes are woken in, by ranker name (default {@code least-watts}): {@code
     * least-watts}, {@code greenest}, {@code least-waste}, {@code priority}, or the name of a
     * {@link io.ecokube.core.decision.rank.WakeRankerProvider} on the class path. An unknown name
     * fails {@link #build()} with the list of known names.
     */
    public Builder wakeRanker(String name) {
      wakeRanker = name;
      return this;
    }

    /** Builds and validates. */
    public EnginePolicy build() {
      return new EnginePolicy(
          pools,
          clusterPowerCapWatts,
          wakeRate,
          suspendRate,
          maxCyclesPerNodePerDay,
          minUptime,
          maxPoweredOffDuration,
          bootTimeoutGrace,
          shutdownTimeoutGrace,
          attemptsPerDriver,
          retryBackoff,
          maxRetryBackoff,
          drainTimeout,
          demandStaleAfter,
          budget,
          green,
          carbon,
          wakeRanker);
    }
  }
}
