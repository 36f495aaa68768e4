package io.ecokube.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code meters} section: where measured watts come from, per node, and how long a reading
 * counts. Accounting uses, for each node that is on, the fresh reading of the first meter in {@link
 * #preference()} that covers the node, and the node's power model when no meter has a reading
 * younger than {@link #staleAfter()}.
 *
 * @param interval how often the meters are read
 * @param staleAfter a reading older than this is ignored and the power model used
 * @param preference meter kinds ({@link #KEPLER}, {@link #DCMI}, {@link #REDFISH}) in order of
 *     preference; only configured meters appear
 * @param kepler Kepler's node power through Prometheus; empty: not used
 * @param bmcNodes for {@link #DCMI} and {@link #REDFISH}: the nodes each reads, by name; a node's
 *     BMC is reached with the settings of its own {@code ipmi} or {@code redfish} driver
 */
public record MeterSettings(
    Duration interval,
    Duration staleAfter,
    List<String> preference,
    Optional<Kepler> kepler,
    Map<String, Set<String>> bmcNodes) {
  /** Kepler through Prometheus. */
  public static final String KEPLER = "kepler";

  /** DCMI Get Power Reading over IPMI, through each node's {@code ipmi} driver settings. */
  public static final String DCMI = "dcmi";

  /** Redfish chassis power, through each node's {@code redfish} driver settings. */
  public static final String REDFISH = "redfish";

  /** Validates and copies. */
  public MeterSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(staleAfter, "staleAfter");
    preference = List.copyOf(preference);
    Objects.requireNonNull(kepler, "kepler");
    bmcNodes = Map.copyOf(bmcNodes);
    if (preference.isEmpty()) {
      throw new IllegalArgumentException("meters need at least one meter");
    }
  }

  /** The nodes a BMC meter kind ({@link #DCMI}, {@link #REDFISH}) reads; empty when not used. */
  public Set<String> bmcNodes(String kind) {
    return bmcNodes.getOrDefault(kind, Set.of());
  }

  /**
   * Kepler's node power, read through the Prometheus HTTP API.
   *
   * @param prometheus the Prometheus server that scrapes Kepler
   * @param nodes the nodes it covers; empty: every node
   * @param nodeLabel the series label naming the node
   * @param rateWindow the {@code rate()} window over legacy Kepler's joule counters
   */
  public record Kepler(
      PrometheusEndpoint prometheus, Set<String> nodes, String nodeLabel, Duration rateWindow) {
    /** Validates and copies. */
    public Kepler {
      Objects.requireNonNull(prometheus, "prometheus");
      nodes = Set.copyOf(nodes);
      Objects.requireNonNull(nodeLabel, "nodeLabel");
      Objects.requireNonNull(rateWindow, "rateWindow");
    }

    /** Whether Kepler's reading of this node counts. */
    public boolean covers(String node) {
      return nodes.isEmpty() || nodes.contains(node);
    }
  }
}
