package io.ecokube.prometheus.kepler;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link KeplerPowerMeter} reads Kepler. Build with {@link #builder()}.
 *
 * @param schema which metric generation; {@link KeplerSchema#AUTO} detects it
 * @param nodeLabel the series label that names the node ({@code instance} by default; many setups
 *     relabel to {@code node} or {@code node_name})
 * @param stripPort drop a {@code :port} suffix from the label value ({@code instance} is host:port)
 * @param nodeNames label value to node name, for clusters whose label differs from the Node name;
 *     values not listed are used as they are
 * @param rateWindow the window of {@code rate()} over joule counters (at least 2 scrape intervals)
 * @param staleAfter a node whose newest sample is older than this has no reading
 * @param cacheFor readings are reused for this long, so reading many nodes costs one query
 * @param wattsQuery a PromQL expression replacing the built-in one; must return one series per node
 *     with {@code nodeLabel}, valued in watts
 * @param utilisationQuery PromQL for node CPU utilisation in [0, 1], per node, for calibration;
 *     empty uses {@code kepler_node_cpu_usage_ratio} (0.10+) or node-exporter's idle CPU seconds
 */
public record KeplerMeterConfig(
    KeplerSchema schema,
    String nodeLabel,
    boolean stripPort,
    Map<String, String> nodeNames,
    Duration rateWindow,
    Duration staleAfter,
    Duration cacheFor,
    Optional<String> wattsQuery,
    Optional<String> utilisationQuery) {

  /** Validates and copies. */
  public KeplerMeterConfig {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(nodeLabel, "nodeLabel");
    if (!nodeLabel.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      throw new IllegalArgumentException(
          "nodeLabel '" + nodeLabel + "' is not a Prometheus label name");
    }
    nodeNames = Map.copyOf(Objects.requireNonNull(nodeNames, "nodeNames"));
    for (String n : List.of("rateWindow", "staleAfter")) {
      Duration d = n.equals("rateWindow") ? rateWindow : staleAfter;
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(n + " must be positive, got " + d);
      }
    }
    Objects.requireNonNull(cacheFor, "cacheFor");
    if (cacheFor.isNegative()) {
      throw new IllegalArgumentException("cacheFor must not be negative, got " + cacheFor);
    }
    if (rateWindow.toSeconds() < 1) {
      throw new IllegalArgumentException("rateWindow must be at least 1s, got " + rateWindow);
    }
    Objects.requireNonNull(wattsQuery, "wattsQuery");
    Objects.requireNonNull(utilisationQuery, "utilisationQuery");
  }

  /**
   * The node a series belongs to: its {@link #nodeLabel()} value, without a {@code :port} suffix
   * when {@link #stripPort()} is on, mapped through {@link #nodeNames()}; null when the series has
   * no such label.
   */
  public String nodeOf(Map<String, String> labels) {
    String v = labels.get(nodeLabel);
    if (v == null) {
      return null;
    }
    String mapped = nodeNames.get(v);
    if (mapped != null) {
      return mapped;
    }
    if (stripPort) {
      int colon = v.lastIndexOf(':');
      if (colon > 0 && v.indexOf(']') < colon && v.substring(colon + 1).matches("\\d+")) {
        v = v.substring(0, colon);
        if (v.startsWith("[") && v.endsWith("]")) {
          v = v.substring(1, v.length() - 1);
        }
      }
      mapped = nodeNames.get(v);
      if (mapped != null) {
        return mapped;
      }
    }
    return v;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KeplerMeterConfig}. */
  public static final class Builder {
    private KeplerSchema schema = KeplerSchema.AUTO;
    private String nodeLabel = "instance";
    private boolean stripPort = true;
    private final Map<String, String> nodeNames = new LinkedHashMap<>();
    private Duration rateWindow = Duration.ofMinutes(1);
    private Duration staleAfter = Duration.ofSeconds(90);
    private Duration cacheFor = Duration.ofSeconds(5);
    private Optional<String> wattsQuery = Optional.empty();
    private Optional<String> utilisationQuery = Optional.empty();

    private Builder() {}

    /** Metric generation (default AUTO). */
    public Builder schema(KeplerSchema s) {
      schema = s;
      return this;
    }

    /** Label naming the node (default {@code instance}). */
    public Builder nodeLabel(String label) {
      nodeLabel = label;
      return this;
    }

    /** Whether to drop a {@code :port} suffix (default true). */
    public Builder stripPort(boolean strip) {
      stripPort = strip;
      return this;
    }

    /** Maps a label value to a node name. */
    public Builder nodeName(String labelValue, String node) {
      nodeNames.put(labelValue, node);
      return this;
    }

    /** {@code rate()} window for joule counters (default 1 min). */
    public Builder rateWindow(Duration d) {
      rateWindow = d;
      return this;
    }

    /** Age after which a node's figure is ignored (default 90 s). */
    public Builder staleAfter(Duration d) {
      staleAfter = d;
      return this;
    }

    /** How long readings are reused (default 5 s). */
    public Builder cacheFor(Duration d) {
      cacheFor = d;
      return this;
    }

    /** Replaces the built-in watts query. */
    public Builder wattsQuery(String promql) {
      wattsQuery = Optional.of(promql);
      return this;
    }

    /** Replaces the built-in utilisation query. */
    public Builder utilisationQuery(String promql) {
      utilisationQuery = Optional.of(promql);
      return this;
    }

    /** Builds and validates. */
    public KeplerMeterConfig build() {
      return new KeplerMeterConfig(
          schema,
          nodeLabel,
          stripPort,
          nodeNames,
          rateWindow,
          staleAfter,
          cacheFor,
          wattsQuery,
          utilisationQuery);
    }
  }
}
