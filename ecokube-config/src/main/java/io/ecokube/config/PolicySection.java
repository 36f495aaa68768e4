package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.text.Suggestions;
import io.ecokube.core.decision.rank.WakeRankers;
import io.ecokube.core.policy.CarbonPolicy;
import io.ecokube.core.policy.CostBudget;
import io.ecokube.core.policy.DeferralPolicy;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.GreenPreference;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code priorityClasses}, {@code pools} and {@code engine} sections: every policy knob of the
 * engine, and the admission checks that need both the policy and the nodes.
 */
final class PolicySection extends ConfigReader {
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
          "carbon",
          "wakeRanker");
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
  private static final Pattern POOL_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private final Map<String, Integer> priorityClasses = new TreeMap<>(BUILTIN_PRIORITY_CLASSES);
  private boolean greenLabelSet;

  PolicySection(ConfigProblems problems) {
    super(problems);
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
      int before = errorCount();
      int v = integer(node, "priorityClasses", e.getKey(), 0, -2_147_483_647, 1_000_000_000);
      if (errorCount() == before) {
        priorityClasses.put(e.getKey(), v);
      }
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
            "'" + e.getKey() + "' is not a valid pool name; use lowercase letters, digits and '-'");
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
      text(node, p, "wakeRanker")
          .ifPresent(
              name -> {
                if (WakeRankers.names().contains(name)) {
                  b.wakeRanker(name);
                } else {
                  error(
                      p + ".wakeRanker",
                      "'"
                          + name
                          + "' is not a wake ranker; "
                          + Suggestions.hint(name, WakeRankers.names())
                          + " (a plugin's ranker needs its jar on the class path)");
                }
              });
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
    int before = errorCount();
    int count = integer(node, path, "count", 1, 1, 1_000_000);
    Optional<Duration> window = duration(node, path, "window", false);
    if (!ok || errorCount() != before || window.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RateLimit(count, window.get()));
  }

  /**
   * The optimizer's admission checks that need both the policy and the nodes: a power cap that not
   * even one more node's idle draw fits under lets nothing be woken, which is a mistake rather than
   * a policy; a green label that no node carries prefers nothing.
   */
  void admission(EnginePolicy policy, List<NodeSpec> nodes) {
    policy
        .clusterPowerCapWatts()
        .ifPresent(cap -> capCheck("engine.clusterPowerCapWatts", cap, "", nodes));
    for (Map.Entry<String, PoolPolicy> e : policy.pools().entrySet()) {
      List<NodeSpec> members = nodes.stream().filter(n -> n.pool().equals(e.getKey())).toList();
      // Nodes that the config does not list join the default pool at run time (every node of a
      // Kubernetes cluster), so only a named pool's size is known here.
      if (!e.getKey().equals(EcoKubeConfig.DEFAULT_POOL)
          && e.getValue().minActive() > members.size()) {
        error(
            "pools." + e.getKey() + ".minActive",
            "'"
                + e.getValue().minActive()
                + "' is more than the pool's "
                + members.size()
                + (members.size() == 1 ? " node" : " nodes")
                + ", so the minimum could never be met; lower it to at most "
                + members.size()
                + " or add nodes to the pool");
      }
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
      warn(
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
}
