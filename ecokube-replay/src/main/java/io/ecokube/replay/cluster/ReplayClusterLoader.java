package io.ecokube.replay.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.time.Durations;
import io.ecokube.config.Quantities;
import io.ecokube.core.energy.FlatTariff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the replay's cluster file: a small YAML document describing identical nodes.
 *
 * <pre>
 * nodes: 50                  # required
 * cores: 8                   # required, per node
 * memory: 64Gi               # per node, default 64Gi
 * podsPerNode: 110           # default 110
 * power:                     # default: PowerProfile.typicalServer()
 *   offWatts: 5
 *   idleWatts: 120
 *   maxWatts: 300
 *   transitionWatts: 200
 *   bootTime: 3m
 *   shutdownTime: 1m
 * accounting:                # default: FlatTariff.typicalEurope()
 *   pue: 1.5
 *   pricePerKwh: 0.25
 *   gramsCo2PerKwh: 300
 *   currency: EUR
 * </pre>
 *
 * <p>Core's config loader describes each node with its drivers; a replay only needs a count, so it
 * has its own format. Every error names the file, the field, the value and what is allowed. Unknown
 * fields are errors (a typo must not silently fall back to a default).
 */
public final class ReplayClusterLoader {
  private static final Set<String> TOP =
      Set.of("nodes", "cores", "memory", "podsPerNode", "power", "accounting");
  private static final Set<String> POWER =
      Set.of("offWatts", "idleWatts", "maxWatts", "transitionWatts", "bootTime", "shutdownTime");
  private static final Set<String> ACCOUNTING =
      Set.of("pue", "pricePerKwh", "gramsCo2PerKwh", "currency");

  private ReplayClusterLoader() {}

  /** Loads a file. */
  public static ReplayCluster load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("cluster file " + file + " does not exist or is not a file");
    }
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /**
   * Parses YAML text.
   *
   * @param source names the text in messages
   * @throws IllegalArgumentException naming the field and the value when something is wrong
   */
  public static ReplayCluster parse(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          source + ": expected a mapping with at least 'nodes' and 'cores'");
    }
    Ctx c = new Ctx(source);
    c.known(root, "", TOP);
    int nodes = c.intField(root, "nodes", null, 1);
    int cores = c.intField(root, "cores", null, 1);
    long memory = c.bytes(root, "memory", 64L * 1024 * 1024 * 1024);
    int pods = c.intField(root, "podsPerNode", 110, 1);
    PowerProfile power = PowerProfile.typicalServer();
    if (root.has("power")) {
      JsonNode p = c.object(root, "power");
      c.known(p, "power.", POWER);
      PowerProfile d = power;
      double off = c.number(p, "power.offWatts", d.offWatts());
      double idle = c.number(p, "power.idleWatts", d.idleWatts());
      double max = c.number(p, "power.maxWatts", d.maxWatts());
      double tr = c.number(p, "power.transitionWatts", d.transitionWatts());
      Duration boot = c.duration(p, "power.bootTime", d.bootTime());
      Duration down = c.duration(p, "power.shutdownTime", d.shutdownTime());
      try {
        power = new PowerProfile(off, idle, max, tr, boot, down);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": power: " + e.getMessage(), e);
      }
    }
    FlatTariff tariff = FlatTariff.typicalEurope();
    if (root.has("accounting")) {
      JsonNode a = c.object(root, "accounting");
      c.known(a, "accounting.", ACCOUNTING);
      FlatTariff d = tariff;
      try {
        tariff =
            new FlatTariff(
                c.number(a, "accounting.pue", d.pue()),
                c.number(a, "accounting.pricePerKwh", d.pricePerKwhValue()),
                c.number(a, "accounting.gramsCo2PerKwh", d.gramsCo2PerKwhValue()),
                a.has("currency") ? a.get("currency").asText() : d.currency());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": accounting: " + e.getMessage(), e);
      }
    }
    return new ReplayCluster(nodes, cores, memory, pods, power, tariff);
  }

  /** Field readers that name the source and the field in every error. */
  private record Ctx(String source) {
    private IllegalArgumentException bad(String field, Object value, String allowed) {
      return new IllegalArgumentException(
          source + ": " + field + " is '" + value + "'; " + allowed);
    }

    void known(JsonNode obj, String prefix, Set<String> allowed) {
      List<String> unknown = new ArrayList<>();
      for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          unknown.add(prefix + f);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            source
                + ": unknown field(s) "
                + unknown
                + "; allowed: "
                + allowed.stream().sorted().map(s -> prefix + s).toList());
      }
    }

    JsonNode object(JsonNode parent, String field) {
      JsonNode n = parent.get(field);
      if (!n.isObject()) {
        throw bad(field, n.asText(), "expected a mapping");
      }
      return n;
    }

    int intField(JsonNode obj, String field, Integer dflt, int min) {
      JsonNode n = obj.get(field);
      if (n == null || n.isNull()) {
        if (dflt == null) {
          throw new IllegalArgumentException(
              source + ": " + field + " is required (a whole number >= " + min + ")");
        }
        return dflt;
      }
      if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
        throw bad(field, n.asText(), "expected a whole number >= " + min);
      }
      return n.asInt();
    }

    double number(JsonNode obj, String path, double dflt) {
      String field = path.substring(path.lastIndexOf('.') + 1);
      JsonNode n = obj.get(field);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
        throw bad(path, n.asText(), "expected a number");
      }
      return n.asDouble();
    }

    Duration duration(JsonNode obj, String path, Duration dflt) {
      String field = path.substring(path.lastIndexOf('.') + 1);
      JsonNode n = obj.get(field);
      if (n == null || n.isNull()) {
        return dflt;
      }
      return Durations.tryParse(n.asText())
          .filter(d -> !d.isNegative())
          .orElseThrow(() -> bad(path, n.asText(), "expected a duration such as 90s, 3m or PT3M"));
    }

    long bytes(JsonNode obj, String field, long dflt) {
      JsonNode n = obj.get(field);
      if (n == null || n.isNull()) {
        return dflt;
      }
      long v = Quantities.bytes(n.asText()).orElse(-1);
      if (v <= 0) {
        throw bad(field, n.asText(), "expected a positive memory size such as 64Gi or 32000Mi");
      }
      return v;
    }
  }
}
