package io.ecokube.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.core.driver.DriverConfigException;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.FlatTariff;
import io.ecokube.core.energy.HourlyTariff;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.CarbonPolicy;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.GreenPreference;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates an Eco-Kube config document (YAML, or JSON, which is YAML too).
 *
 * <p>Validation reports every problem at once, each with its path, the bad value and what is
 * allowed; unknown fields are errors with a "did you mean" hint. Driver chains are checked by
 * building every driver through the {@link DriverRegistry} (providers do no I/O when building), so
 * a bad MAC address or a missing secret file is reported at load with its path. Settings whose key
 * names a secret ({@code password}, {@code passphrase}, {@code token}, {@code secret}) must hold a
 * reference ({@code file:/path}, {@code env:NAME}); an inline value is rejected and never repeated.
 * The document format is described in the module README.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Set<String> TOP =
      Set.of("pools", "nodes", "engine", "accounting", "priorityClasses");
  private static final Set<String> POOL =
      Set.of("minActive", "warmReserve", "powerCapWatts", "idleGrace");
  private static final Set<String> ENGINE =
      Set.of(
          "clusterPowerCapWatts",
          "wakeRate",
          "suspendRate",
          "maxCyclesPerNodePerDay",
          "minUptime",
          "maxPoweredOffDuration",
          "bootTimeoutGrace",
          "shutdownTimeoutGrace",
          "attemptsPerDriver",
          "retryBackoff",
          "maxRetryBackoff",
          "drainTimeout",
          "demandStaleAfter",
          "budget",
          "green",
          "carbon");
  private static final Set<String> BUDGET =
      Set.of("perHour", "perPeriod", "period", "periodStart", "exemptPriority");
  private static final Set<String> GREEN = Set.of("label", "weight");
  private static final Set<String> CARBON = Set.of("minReductionPercent", "deferrable");
  private static final Set<String> DEFERRABLE = Set.of("workload", "maxDelay");
  private static final Set<String> WORKLOAD = Set.of("namespace", "kind", "name");

  /** Kubernetes' built-in priority classes, always known. */
  static final Map<String, Integer> BUILTIN_PRIORITY_CLASSES =
      Map.of("system-cluster-critical", 2_000_000_000, "system-node-critical", 2_000_001_000);

  private static final Set<String> RATE = Set.of("count", "window");
  private static final Set<String> ACCOUNTING =
      Set.of(
          "pue",
          "pricePerKwh",
          "gramsCo2PerKwh",
          "currency",
          "pricePerKwhByHour",
          "gramsCo2PerKwhByHour",
          "timeZone");
  private static final Set<String> NODE =
      Set.of(
          "name", "pool", "labels", "taints", "allocatable", "power", "protected", "controlPlane");
  private static final Set<String> ALLOCATABLE = Set.of("cpu", "memory", "gpus", "pods");
  private static final Set<String> POWER =
      Set.of(
          "offWatts",
          "idleWatts",
          "maxWatts",
          "transitionWatts",
          "bootTime",
          "shutdownTime",
          "drivers");
  private static final Set<String> DRIVER = Set.of("driver", "settings");
  private static final Set<String> TAINT = Set.of("key", "value", "effect");
  private static final Map<String, TaintEffect> EFFECTS =
      Map.of(
          "NoSchedule", TaintEffect.NO_SCHEDULE,
          "PreferNoSchedule", TaintEffect.PREFER_NO_SCHEDULE,
          "NoExecute", TaintEffect.NO_EXECUTE);
  private static final List<String> SECRET_WORDS =
      List.of("password", "passphrase", "token", "secret");
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final int DEFAULT_PODS = 110;

  private final DriverRegistry drivers;
  private final Set<String> secretSchemes;
  private final YAMLMapper mapper;

  private ConfigLoader(DriverRegistry drivers, Set<String> secretSchemes) {
    this.drivers = Objects.requireNonNull(drivers, "drivers");
    this.secretSchemes = Set.copyOf(secretSchemes);
    this.mapper = new YAMLMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** A loader that checks drivers against the registry and accepts {@code file:}/{@code env:}. */
  public static ConfigLoader using(DriverRegistry drivers) {
    return new ConfigLoader(drivers, Set.of("file", "env"));
  }

  /**
   * A loader that also accepts secret references with further schemes (a custom {@link
   * io.ecokube.api.secret.SecretResolver} such as {@code k8s:}).
   */
  public static ConfigLoader using(DriverRegistry drivers, Set<String> secretSchemes) {
    return new ConfigLoader(drivers, secretSchemes);
  }

  /**
   * Reads and validates a file.
   *
   * @throws ConfigException listing every problem
   * @throws IOException when the file cannot be read
   */
  public EcoKubeConfig load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /**
   * Validates a document.
   *
   * @param text the YAML or JSON document
   * @param source what to call it in messages (a file name)
   * @throws ConfigException listing every problem
   */
  public EcoKubeConfig parse(String text, String source) {
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : "line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ": ";
      throw new ConfigException(source, List.of(where + parserProblem(e.getOriginalMessage())));
    }
    Walk w = new Walk();
    EcoKubeConfig config = w.document(root == null ? mapper.createObjectNode() : root);
    if (!w.errors.isEmpty()) {
      throw new ConfigException(source, w.errors);
    }
    for (String warning : w.warnings) {
      LOG.warn("{}: {}", source, warning);
    }
    return config;
  }

  /** One validation pass; collects errors instead of stopping at the first. */
  private final class Walk {
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    Map<String, Integer> priorityClasses = new TreeMap<>(BUILTIN_PRIORITY_CLASSES);
    boolean greenLabelSet;

    void error(String path, String problem) {
      errors.add(path + ": " + problem);
    }

    EcoKubeConfig document(JsonNode root) {
      if (!root.isObject()) {
        error("(document)", "expected a mapping with pools, nodes and engine, got " + kind(root));
        return null;
      }
      fields(root, "", TOP);
      priorityClasses(root.get("priorityClasses"));
      Map<String, PoolPolicy> pools = pools(root.get("pools"));
      EnginePolicy.Builder policy = EnginePolicy.builder();
      pools.forEach(policy::pool);
      EnginePolicy built = engine(root.get("engine"), policy);
      Tariff tariff = accounting(root.get("accounting"));
      Set<String> declared = new TreeSet<>(pools.keySet());
      declared.add(EcoKubeConfig.DEFAULT_POOL);
      List<NodeSpec> nodes = nodes(root.get("nodes"), declared);
      if (built != null) {
        admission(built, nodes);
      }
      if (!errors.isEmpty()) {
        return null;
      }
      return new EcoKubeConfig(nodes, built, tariff, warnings);
    }

    void priorityClasses(JsonNode node) {
      if (node == null || node.isNull()) {
        return;
      }
      if (!node.isObject()) {
        error("priorityClasses", "expected a mapping of class name to priority, got " + kind(node));
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (BUILTIN_PRIORITY_CLASSES.containsKey(e.getKey())) {
          error(
              "priorityClasses." + e.getKey(),
              "is a built-in Kubernetes priority class and cannot be redefined");
          continue;
        }
        int before = errors.size();
        int v = integer(node, "priorityClasses", e.getKey(), 0, -2_147_483_647, 1_000_000_000);
        if (errors.size() == before) {
          priorityClasses.put(e.getKey(), v);
        }
      }
    }

    /**
     * The optimizer's admission checks that need both the policy and the nodes: a power cap that
     * not even one more node's idle draw fits under lets nothing be woken, which is a mistake
     * rather than a policy; a green label that no node carries prefers nothing.
     */
    void admission(EnginePolicy policy, List<NodeSpec> nodes) {
      policy
          .clusterPowerCapWatts()
          .ifPresent(cap -> capCheck("engine.clusterPowerCapWatts", cap, "", nodes));
      for (Map.Entry<String, PoolPolicy> e : policy.pools().entrySet()) {
        List<NodeSpec> members = nodes.stream().filter(n -> n.pool().equals(e.getKey())).toList();
        e.getValue()
            .powerCapWatts()
            .ifPresent(
                cap ->
                    capCheck(
                        "pools." + e.getKey() + ".powerCapWatts",
                        cap,
                        "pool " + e.getKey() + "'s ",
                        members));
      }
      if (greenLabelSet && !nodes.isEmpty() && nodes.stream().noneMatch(policy.green()::isGreen)) {
        warnings.add(
            "engine.green.label: no node carries '"
                + policy.green().label()
                + "', so no node is preferred as green (fine if the cluster labels nodes itself)");
      }
    }

    void capCheck(String path, double cap, String whose, List<NodeSpec> nodes) {
      double alwaysOn = 0;
      List<String> alwaysOnNames = new ArrayList<>();
      NodeSpec smallest = null;
      for (NodeSpec n : nodes) {
        if (n.powerManageable()) {
          if (smallest == null || n.power().idleWatts() < smallest.power().idleWatts()) {
            smallest = n;
          }
        } else {
          alwaysOn += n.power().idleWatts();
          alwaysOnNames.add(n.name());
        }
      }
      if (smallest == null) {
        return;
      }
      double need = alwaysOn + smallest.power().idleWatts();
      if (cap < need) {
        error(
            path,
            "'"
                + fmt(cap)
                + "' is below the idle draw of "
                + whose
                + "always-on nodes ("
                + fmt(alwaysOn)
                + " W"
                + (alwaysOnNames.isEmpty() ? "" : ": " + String.join(", ", alwaysOnNames))
                + ") plus "
                + (whose.isEmpty() ? "the" : "its")
                + " smallest manageable node ("
                + smallest.name()
                + ", "
                + fmt(smallest.power().idleWatts())
                + " W idle) = "
                + fmt(need)
                + " W, so no node could ever be woken; raise it to at least "
                + fmt(need)
                + " or remove it");
      }
    }

    Map<String, PoolPolicy> pools(JsonNode node) {
      Map<String, PoolPolicy> out = new LinkedHashMap<>();
      if (node == null || node.isNull()) {
        return out;
      }
      if (!node.isObject()) {
        error("pools", "expected a mapping of pool name to pool rules, got " + kind(node));
        return out;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "pools." + e.getKey();
        if (!POOL_NAME.matcher(e.getKey()).matches()) {
          error(
              path,
              "'"
                  + e.getKey()
                  + "' is not a valid pool name; use lowercase letters, digits and '-'");
          continue;
        }
        JsonNode p = e.getValue();
        if (p == null || p.isNull()) {
          out.put(e.getKey(), PoolPolicy.defaults());
          continue;
        }
        if (!object(p, path)) {
          continue;
        }
        fields(p, path + ".", POOL);
        int minActive = integer(p, path, "minActive", 0, 0, 100_000);
        int warmReserve = integer(p, path, "warmReserve", 0, 0, 100_000);
        OptionalDouble cap = positiveNumber(p, path, "powerCapWatts");
        Optional<Duration> grace = duration(p, path, "idleGrace", true);
        out.put(e.getKey(), new PoolPolicy(minActive, warmReserve, cap, grace));
      }
      return out;
    }

    EnginePolicy engine(JsonNode node, EnginePolicy.Builder b) {
      if (node != null && !node.isNull() && object(node, "engine")) {
        String p = "engine";
        fields(node, p + ".", ENGINE);
        positiveNumber(node, p, "clusterPowerCapWatts").ifPresent(b::clusterPowerCapWatts);
        rate(node.get("wakeRate"), p + ".wakeRate").ifPresent(b::wakeRate);
        rate(node.get("suspendRate"), p + ".suspendRate").ifPresent(b::suspendRate);
        if (node.has("maxCyclesPerNodePerDay")) {
          b.maxCyclesPerNodePerDay(integer(node, p, "maxCyclesPerNodePerDay", 6, 1, 1000));
        }
        duration(node, p, "minUptime", true).ifPresent(b::minUptime);
        duration(node, p, "maxPoweredOffDuration", false).ifPresent(b::maxPoweredOffDuration);
        duration(node, p, "bootTimeoutGrace", true).ifPresent(b::bootTimeoutGrace);
        duration(node, p, "shutdownTimeoutGrace", true).ifPresent(b::shutdownTimeoutGrace);
        if (node.has("attemptsPerDriver")) {
          b.attemptsPerDriver(integer(node, p, "attemptsPerDriver", 2, 1, 100));
        }
        Optional<Duration> backoff = duration(node, p, "retryBackoff", false);
        Optional<Duration> maxBackoff = duration(node, p, "maxRetryBackoff", false);
        backoff.ifPresent(b::retryBackoff);
        maxBackoff.ifPresent(b::maxRetryBackoff);
        Duration effectiveBackoff = backoff.orElse(EnginePolicy.defaults().retryBackoff());
        Duration effectiveMax = maxBackoff.orElse(EnginePolicy.defaults().maxRetryBackoff());
        if (effectiveMax.compareTo(effectiveBackoff) < 0) {
          error(
              p + ".maxRetryBackoff",
              "'"
                  + Durations.format(effectiveMax)
                  + "' must not be shorter than retryBackoff ("
                  + Durations.format(effectiveBackoff)
                  + ")");
          b.maxRetryBackoff(effectiveBackoff);
        }
        duration(node, p, "drainTimeout", false).ifPresent(b::drainTimeout);
        duration(node, p, "demandStaleAfter", false).ifPresent(b::demandStaleAfter);
        budget(node.get("budget"), p + ".budget").ifPresent(b::budget);
        green(node.get("green"), p + ".green").ifPresent(b::green);
        carbon(node.get("carbon"), p + ".carbon").ifPresent(b::carbon);
      }
      try {
        return b.build();
      } catch (IllegalArgumentException e) {
        error("engine", e.getMessage());
        return null;
      }
    }

    Optional<CostBudget> budget(JsonNode node, String path) {
      if (node == null || node.isNull() || !object(node, path)) {
        return Optional.empty();
      }
      fields(node, path + ".", BUDGET);
      CostBudget d = CostBudget.none();
      OptionalDouble perHour = amount(node, path, "perHour");
      OptionalDouble perPeriod = amount(node, path, "perPeriod");
      Duration period = duration(node, path, "period", false).orElse(d.period());
      Instant start = d.periodStart();
      Optional<String> rawStart = text(node, path, "periodStart");
      if (rawStart.isPresent()) {
        try {
          start = Instant.parse(rawStart.get());
        } catch (DateTimeParseException e) {
          error(
              path + ".periodStart",
              "'" + rawStart.get() + "' is not an instant; use e.g. 2026-01-01T00:00:00Z");
        }
      }
      int exempt = d.exemptPriority();
      Optional<String> rawExempt = text(node, path, "exemptPriority");
      if (rawExempt.isPresent()) {
        String v = rawExempt.get();
        Integer named = priorityClasses.get(v);
        if (named != null) {
          exempt = named;
        } else {
          try {
            exempt = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            error(
                path + ".exemptPriority",
                "'"
                    + v
                    + "' is not a priority class; use a whole number or one of "
                    + priorityClasses.keySet()
                    + " (declare classes under priorityClasses)");
          }
        }
      }
      if (perHour.isEmpty() && perPeriod.isEmpty() && !node.isEmpty()) {
        if (!node.has("perHour") && !node.has("perPeriod")) {
          error(path, "sets no budget; give perHour, perPeriod or both");
        }
      }
      return Optional.of(new CostBudget(perHour, perPeriod, period, start, exempt));
    }

    OptionalDouble amount(JsonNode n, String path, String field) {
      Optional<String> raw = text(n, path, field);
      if (raw.isEmpty()) {
        return OptionalDouble.empty();
      }
      try {
        double v = Double.parseDouble(raw.get());
        if (Double.isFinite(v) && v >= 0) {
          return OptionalDouble.of(v);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      error(
          path + "." + field,
          "'"
              + raw.get()
              + "' is not a budget; use an amount of 0 or more in the accounting currency");
      return OptionalDouble.empty();
    }

    Optional<GreenPreference> green(JsonNode node, String path) {
      if (node == null || node.isNull() || !object(node, path)) {
        return Optional.empty();
      }
      fields(node, path + ".", GREEN);
      GreenPreference d = GreenPreference.defaults();
      String key = d.labelKey();
      String value = d.labelValue();
      Optional<String> label = text(node, path, "label");
      if (label.isPresent()) {
        int eq = label.get().indexOf('=');
        if (eq <= 0) {
          error(path + ".label", "'" + label.get() + "' is not a label; use key=value");
        } else {
          key = label.get().substring(0, eq).trim();
          value = label.get().substring(eq + 1).trim();
          greenLabelSet = true;
        }
      }
      double weight = d.weight();
      Optional<String> rawWeight = text(node, path, "weight");
      if (rawWeight.isPresent()) {
        try {
          weight = Double.parseDouble(rawWeight.get());
        } catch (NumberFormatException e) {
          weight = Double.NaN;
        }
        if (!(weight > 0 && weight <= 1)) {
          error(
              path + ".weight",
              "'"
                  + rawWeight.get()
                  + "' is out of range; use a factor greater than 0 and at most 1 (1: green"
                  + " only breaks ties)");
          weight = d.weight();
        }
      }
      return Optional.of(new GreenPreference(key, value, weight));
    }

    Optional<CarbonPolicy> carbon(JsonNode node, String path) {
      if (node == null || node.isNull() || !object(node, path)) {
        return Optional.empty();
      }
      fields(node, path + ".", CARBON);
      double pct = CarbonPolicy.DEFAULT_MIN_REDUCTION_PERCENT;
      Optional<String> rawPct = text(node, path, "minReductionPercent");
      if (rawPct.isPresent()) {
        try {
          pct = Double.parseDouble(rawPct.get());
        } catch (NumberFormatException e) {
          pct = Double.NaN;
        }
        if (!(pct > 0 && pct <= 100)) {
          error(
              path + ".minReductionPercent",
              "'" + rawPct.get() + "' is out of range; use a percentage greater than 0 up to 100");
          pct = CarbonPolicy.DEFAULT_MIN_REDUCTION_PERCENT;
        }
      }
      Map<WorkloadRef, DeferralPolicy> deferrable = new LinkedHashMap<>();
      JsonNode list = node.get("deferrable");
      if (list != null && !list.isNull()) {
        if (!list.isArray()) {
          error(path + ".deferrable", "expected a list of {workload, maxDelay}, got " + kind(list));
        } else {
          Map<WorkloadRef, Integer> seen = new HashMap<>();
          for (int i = 0; i < list.size(); i++) {
            deferrable(list.get(i), path + ".deferrable[" + i + "]", i, seen, deferrable);
          }
        }
      }
      return Optional.of(new CarbonPolicy(pct, deferrable));
    }

    void deferrable(
        JsonNode d,
        String dp,
        int index,
        Map<WorkloadRef, Integer> seen,
        Map<WorkloadRef, DeferralPolicy> out) {
      if (!object(d, dp)) {
        return;
      }
      fields(d, dp + ".", DEFERRABLE);
      WorkloadRef ref = null;
      JsonNode w = d.get("workload");
      if (w == null || w.isNull()) {
        error(dp + ".workload", "is required: {namespace, kind, name}");
      } else if (object(w, dp + ".workload")) {
        fields(w, dp + ".workload.", WORKLOAD);
        Optional<String> name = text(w, dp + ".workload", "name");
        if (name.isEmpty() && !w.has("name")) {
          error(dp + ".workload.name", "is required");
        }
        String ns = text(w, dp + ".workload", "namespace").orElse("default");
        String kind = text(w, dp + ".workload", "kind").orElse("Deployment");
        if (name.isPresent()) {
          ref = new WorkloadRef(ns, kind, name.get());
        }
      }
      Optional<Duration> maxDelay = Optional.empty();
      if (!d.has("maxDelay") || d.get("maxDelay").isNull()) {
        error(dp + ".maxDelay", "is required: how long the workload may wait, e.g. 6h");
      } else {
        maxDelay = duration(d, dp, "maxDelay", false);
      }
      if (ref != null) {
        Integer first = seen.putIfAbsent(ref, index);
        if (first != null) {
          error(dp + ".workload", "'" + ref + "' is already listed at deferrable[" + first + "]");
        } else if (maxDelay.isPresent()) {
          out.put(ref, new DeferralPolicy(maxDelay.get()));
        }
      }
    }

    Optional<RateLimit> rate(JsonNode node, String path) {
      if (node == null || node.isNull() || !object(node, path)) {
        return Optional.empty();
      }
      fields(node, path + ".", RATE);
      boolean ok = true;
      if (!node.has("count")) {
        error(path + ".count", "is required");
        ok = false;
      }
      if (!node.has("window")) {
        error(path + ".window", "is required");
        ok = false;
      }
      int before = errors.size();
      int count = integer(node, path, "count", 1, 1, 1_000_000);
      Optional<Duration> window = duration(node, path, "window", false);
      if (!ok || errors.size() != before || window.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new RateLimit(count, window.get()));
    }

    Tariff accounting(JsonNode node) {
      FlatTariff d = FlatTariff.typicalEurope();
      if (node == null || node.isNull() || !object(node, "accounting")) {
        return d;
      }
      String p = "accounting";
      fields(node, p + ".", ACCOUNTING);
      double pue = number(node, p, "pue", d.pue(), 1, 10);
      double price = number(node, p, "pricePerKwh", d.pricePerKwhValue(), 0, 1e6);
      double grams = number(node, p, "gramsCo2PerKwh", d.gramsCo2PerKwhValue(), 0, 1e6);
      String currency = text(node, p, "currency").orElse(d.currency());
      boolean hourly = node.has("pricePerKwhByHour") || node.has("gramsCo2PerKwhByHour");
      if (!hourly) {
        if (node.has("timeZone")) {
          error(p + ".timeZone", "only applies with pricePerKwhByHour or gramsCo2PerKwhByHour");
        }
        return new FlatTariff(pue, price, grams, currency);
      }
      if (node.has("pricePerKwh") && node.has("pricePerKwhByHour")) {
        error(p + ".pricePerKwh", "give either pricePerKwh or pricePerKwhByHour, not both");
      }
      if (node.has("gramsCo2PerKwh") && node.has("gramsCo2PerKwhByHour")) {
        error(
            p + ".gramsCo2PerKwh", "give either gramsCo2PerKwh or gramsCo2PerKwhByHour, not both");
      }
      double[] prices = hours(node, p, "pricePerKwhByHour", price);
      double[] intensities = hours(node, p, "gramsCo2PerKwhByHour", grams);
      ZoneId zone = ZoneId.of("UTC");
      Optional<String> zoneText = text(node, p, "timeZone");
      if (zoneText.isPresent()) {
        try {
          zone = ZoneId.of(zoneText.get());
        } catch (DateTimeException e) {
          error(
              p + ".timeZone",
              "'"
                  + zoneText.get()
                  + "' is not a time zone; use a region such as Europe/Berlin or UTC");
        }
      }
      return new HourlyTariff(pue, prices, intensities, zone, currency);
    }

    /** 24 values, 00:00 to 23:00 local time; the flat value for every hour when absent. */
    private double[] hours(JsonNode node, String path, String field, double flat) {
      double[] out = new double[24];
      Arrays.fill(out, flat);
      JsonNode list = node.get(field);
      if (list == null || list.isNull()) {
        return out;
      }
      if (!list.isArray() || list.size() != 24) {
        error(
            path + "." + field,
            "expected a list of 24 values (00:00 to 23:00 local time), got "
                + (list.isArray() ? list.size() + " values" : kind(list)));
        return out;
      }
      for (int h = 0; h < 24; h++) {
        JsonNode v = list.get(h);
        String where = path + "." + field + "[" + h + "]";
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
          error(where, "'" + v.asText() + "' is not a number of 0 or more");
        } else {
          out[h] = v.asDouble();
        }
      }
      return out;
    }

    List<NodeSpec> nodes(JsonNode node, Set<String> declaredPools) {
      List<NodeSpec> out = new ArrayList<>();
      if (node == null || node.isNull()) {
        return out;
      }
      if (!node.isArray()) {
        error("nodes", "expected a list of nodes, got " + kind(node));
        return out;
      }
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < node.size(); i++) {
        NodeSpec spec = node(node.get(i), "nodes[" + i + "]", declaredPools, seen, i);
        if (spec != null) {
          out.add(spec);
        }
      }
      return out;
    }

    NodeSpec node(
        JsonNode n, String path, Set<String> declaredPools, Map<String, Integer> seen, int index) {
      if (!object(n, path)) {
        return null;
      }
      int before = errors.size();
      fields(n, path + ".", NODE);
      Optional<String> name = text(n, path, "name");
      if (name.isEmpty() && !n.has("name")) {
        error(path + ".name", "is required");
      }
      name.ifPresent(
          v -> {
            if (v.length() > 253 || !NODE_NAME.matcher(v).matches()) {
              error(
                  path + ".name",
                  "'"
                      + v
                      + "' is not a valid node name; use lowercase letters, digits, '-' and '.'"
                      + " (RFC 1123), at most 253 characters");
            } else {
              Integer first = seen.putIfAbsent(v, index);
              if (first != null) {
                error(path + ".name", "'" + v + "' is already used by nodes[" + first + "]");
              }
            }
          });
      String pool = text(n, path, "pool").orElse(EcoKubeConfig.DEFAULT_POOL);
      if (!declaredPools.contains(pool)) {
        error(path + ".pool", "'" + pool + "' is not a declared pool; declared: " + declaredPools);
      }
      Map<String, String> labels = stringMap(n.get("labels"), path + ".labels");
      List<Taint> taints = taints(n.get("taints"), path + ".taints");
      Resources allocatable = allocatable(n.get("allocatable"), path + ".allocatable");
      PowerProfile profile = PowerProfile.typicalServer();
      List<DriverSpec> chain = List.of();
      JsonNode power = n.get("power");
      if (power != null && !power.isNull() && object(power, path + ".power")) {
        profile = profile(power, path + ".power");
        chain = drivers(power.get("drivers"), path + ".power", name.orElse("nodes[" + index + "]"));
      }
      boolean prot = bool(n, path, "protected", false);
      boolean cp = bool(n, path, "controlPlane", false);
      if (errors.size() != before || name.isEmpty()) {
        return null;
      }
      return new NodeSpec(
          name.get(),
          pool,
          labels,
          taints,
          allocatable,
          profile,
          new PowerAddress(chain),
          prot,
          cp);
    }

    Resources allocatable(JsonNode n, String path) {
      if (n == null || n.isNull()) {
        error(path, "is required (cpu and memory at least)");
        return Resources.ZERO;
      }
      if (!object(n, path)) {
        return Resources.ZERO;
      }
      fields(n, path + ".", ALLOCATABLE);
      long cpu = quantity(n, path, "cpu", true);
      long memory = quantity(n, path, "memory", false);
      int gpus = integer(n, path, "gpus", 0, 0, 1024);
      int pods = integer(n, path, "pods", DEFAULT_PODS, 1, 100_000);
      return new Resources(cpu, memory, gpus, pods);
    }

    long quantity(JsonNode n, String path, String field, boolean cpu) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        error(path + "." + field, "is required");
        return 0;
      }
      if (!v.isValueNode()) {
        error(path + "." + field, "expected a quantity, got " + kind(v));
        return 0;
      }
      String raw = v.asText();
      OptionalLong parsed = cpu ? Quantities.cpuMillis(raw) : Quantities.bytes(raw);
      if (parsed.isEmpty()) {
        error(
            path + "." + field,
            "'"
                + raw
                + "' is not a "
                + (cpu ? "CPU" : "memory")
                + " quantity; "
                + (cpu ? Quantities.cpuHint() : Quantities.memoryHint()));
        return 0;
      }
      return parsed.getAsLong();
    }

    PowerProfile profile(JsonNode n, String path) {
      fields(n, path + ".", POWER);
      PowerProfile d = PowerProfile.typicalServer();
      double off = number(n, path, "offWatts", d.offWatts(), 0, 100_000);
      double idle = number(n, path, "idleWatts", d.idleWatts(), 0, 100_000);
      double max = number(n, path, "maxWatts", d.maxWatts(), 0, 100_000);
      double transition = number(n, path, "transitionWatts", d.transitionWatts(), 0, 100_000);
      Duration boot = duration(n, path, "bootTime", true).orElse(d.bootTime());
      Duration shutdown = duration(n, path, "shutdownTime", true).orElse(d.shutdownTime());
      boolean ok = true;
      if (!(idle > off)) {
        error(
            path + ".idleWatts",
            "'" + fmt(idle) + "' must be greater than offWatts (" + fmt(off) + ")");
        ok = false;
      }
      if (max < idle) {
        error(
            path + ".maxWatts",
            "'" + fmt(max) + "' must be at least idleWatts (" + fmt(idle) + ")");
        ok = false;
      }
      if (transition < off) {
        error(
            path + ".transitionWatts",
            "'" + fmt(transition) + "' must be at least offWatts (" + fmt(off) + ")");
        ok = false;
      }
      return ok ? new PowerProfile(off, idle, max, transition, boot, shutdown) : d;
    }

    List<DriverSpec> drivers(JsonNode n, String powerPath, String nodeName) {
      List<DriverSpec> chain = new ArrayList<>();
      if (n == null || n.isNull()) {
        return chain;
      }
      String path = powerPath + ".drivers";
      if (!n.isArray()) {
        error(path, "expected a list of {driver, settings}, got " + kind(n));
        return chain;
      }
      List<Integer> checkable = new ArrayList<>();
      for (int i = 0; i < n.size(); i++) {
        String dp = path + "[" + i + "]";
        JsonNode d = n.get(i);
        if (!object(d, dp)) {
          continue;
        }
        fields(d, dp + ".", DRIVER);
        Optional<String> name = text(d, dp, "driver");
        if (name.isEmpty()) {
          if (!d.has("driver")) {
            error(dp + ".driver", "is required; known drivers: " + drivers.names());
          }
          continue;
        }
        int before = errors.size();
        Map<String, String> settings = stringMap(d.get("settings"), dp + ".settings");
        for (Map.Entry<String, String> s : settings.entrySet()) {
          if (isSecretKey(s.getKey()) && !isReference(s.getValue())) {
            error(
                dp + ".settings." + s.getKey(),
                "looks like an inline secret (value not shown); write a reference instead: "
                    + "file:/path/to/secret or env:VARIABLE_NAME");
          }
        }
        chain.add(new DriverSpec(name.get(), settings));
        if (errors.size() == before) {
          checkable.add(chain.size() - 1);
        }
      }
      // Only drivers whose settings passed the secret check are built, so an inline secret
      // never reaches a driver (or a driver's error message).
      for (int idx : checkable) {
        DriverSpec spec = chain.get(idx);
        for (DriverConfigException e : drivers.check(nodeName, List.of(spec))) {
          String field = e.field().replaceFirst("^drivers\\[0\\]", "drivers[" + idx + "]");
          error(powerPath + "." + field, e.problem());
        }
      }
      return chain;
    }

    List<Taint> taints(JsonNode n, String path) {
      List<Taint> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isArray()) {
        error(path, "expected a list of {key, value, effect}, got " + kind(n));
        return out;
      }
      for (int i = 0; i < n.size(); i++) {
        String tp = path + "[" + i + "]";
        JsonNode t = n.get(i);
        if (!object(t, tp)) {
          continue;
        }
        fields(t, tp + ".", TAINT);
        Optional<String> key = text(t, tp, "key");
        if (key.isEmpty() && !t.has("key")) {
          error(tp + ".key", "is required");
        }
        String value = text(t, tp, "value").orElse("");
        Optional<String> effect = text(t, tp, "effect");
        TaintEffect eff = null;
        if (effect.isEmpty()) {
          if (!t.has("effect")) {
            error(tp + ".effect", "is required; use one of " + new TreeSet<>(EFFECTS.keySet()));
          }
        } else {
          eff = EFFECTS.get(effect.get());
          if (eff == null) {
            error(
                tp + ".effect",
                "'"
                    + effect.get()
                    + "' is not a taint effect; use one of "
                    + new TreeSet<>(EFFECTS.keySet()));
          }
        }
        if (key.isPresent() && eff != null) {
          out.add(new Taint(key.get(), value, eff));
        }
      }
      return out;
    }

    Map<String, String> stringMap(JsonNode n, String path) {
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (!n.isObject()) {
        // Never echo the value: it may be a pasted secret ("password=...").
        error(
            path,
            "expected a mapping of names to values, got "
                + (n.isValueNode() ? "a single value" : kind(n)));
        return out;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          error(path + "." + e.getKey(), "expected a text value, got " + kind(e.getValue()));
        } else {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
      return out;
    }

    boolean object(JsonNode n, String path) {
      if (n == null || !n.isObject()) {
        error(path, "expected a mapping, got " + kind(n));
        return false;
      }
      return true;
    }

    void fields(JsonNode n, String prefix, Set<String> allowed) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!allowed.contains(f)) {
          error(prefix + f, "unknown field; " + suggestion(f, allowed));
        }
      }
    }

    Optional<String> text(JsonNode n, String path, String field) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isValueNode()) {
        error(path + "." + field, "expected a text value, got " + kind(v));
        return Optional.empty();
      }
      String s = v.asText().trim();
      if (s.isEmpty()) {
        error(path + "." + field, "must not be empty");
        return Optional.empty();
      }
      return Optional.of(s);
    }

    int integer(JsonNode n, String path, String field, int dflt, int min, int max) {
      Optional<String> raw = text(n, path, field);
      if (raw.isEmpty()) {
        return dflt;
      }
      try {
        long v = Long.parseLong(raw.get());
        if (v < min || v > max) {
          error(
              path + "." + field,
              "'" + raw.get() + "' is out of range; allowed " + min + ".." + max);
          return dflt;
        }
        return (int) v;
      } catch (NumberFormatException e) {
        error(
            path + "." + field,
            "'" + raw.get() + "' is not a whole number; allowed " + min + ".." + max);
        return dflt;
      }
    }

    double number(JsonNode n, String path, String field, double dflt, double min, double max) {
      Optional<String> raw = text(n, path, field);
      if (raw.isEmpty()) {
        return dflt;
      }
      try {
        double v = Double.parseDouble(raw.get());
        if (!Double.isFinite(v) || v < min || v > max) {
          error(
              path + "." + field,
              "'" + raw.get() + "' is out of range; allowed " + fmt(min) + ".." + fmt(max));
          return dflt;
        }
        return v;
      } catch (NumberFormatException e) {
        error(path + "." + field, "'" + raw.get() + "' is not a number");
        return dflt;
      }
    }

    OptionalDouble positiveNumber(JsonNode n, String path, String field) {
      Optional<String> raw = text(n, path, field);
      if (raw.isEmpty()) {
        return OptionalDouble.empty();
      }
      try {
        double v = Double.parseDouble(raw.get());
        if (!Double.isFinite(v) || v <= 0) {
          error(path + "." + field, "'" + raw.get() + "' must be a number greater than 0");
          return OptionalDouble.empty();
        }
        return OptionalDouble.of(v);
      } catch (NumberFormatException e) {
        error(path + "." + field, "'" + raw.get() + "' must be a number greater than 0");
        return OptionalDouble.empty();
      }
    }

    Optional<Duration> duration(JsonNode n, String path, String field, boolean zeroAllowed) {
      Optional<String> raw = text(n, path, field);
      if (raw.isEmpty()) {
        return Optional.empty();
      }
      Optional<Duration> d = Durations.parse(raw.get());
      if (d.isEmpty()) {
        error(path + "." + field, "'" + raw.get() + "' is not a duration; " + Durations.HINT);
        return Optional.empty();
      }
      if (d.get().isNegative() || (!zeroAllowed && d.get().isZero())) {
        error(
            path + "." + field,
            "'" + raw.get() + "' must be " + (zeroAllowed ? "zero or positive" : "positive"));
        return Optional.empty();
      }
      return d;
    }

    boolean bool(JsonNode n, String path, String field, boolean dflt) {
      JsonNode v = n.get(field);
      if (v == null || v.isNull()) {
        return dflt;
      }
      if (v.isBoolean()) {
        return v.asBoolean();
      }
      String s = v.isValueNode() ? v.asText().trim() : kind(v);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
      error(path + "." + field, "'" + s + "' is not a boolean; use true or false");
      return dflt;
    }
  }

  private boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(k::contains);
  }

  private boolean isReference(String value) {
    try {
      return secretSchemes.contains(SecretRef.parse(value).scheme());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The parser's explanation on one line, without its source excerpts and caret markers. */
  private static String parserProblem(String message) {
    List<String> parts = new ArrayList<>();
    for (String line : String.valueOf(message).split("\\R")) {
      String t = line.trim();
      if (!t.isEmpty()
          && !t.startsWith("in 'reader'")
          && !t.equals("^")
          && !line.startsWith("    ")) {
        parts.add(t);
      }
    }
    return String.join("; ", parts);
  }

  private static String suggestion(String field, Set<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String a : allowed) {
      int d = distance(field.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = a;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
      return "did you mean '" + best + "'?";
    }
    return "allowed: " + new TreeSet<>(allowed);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String kind(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    return "'" + n.asText() + "'";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
