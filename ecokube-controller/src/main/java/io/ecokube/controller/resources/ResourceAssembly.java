package io.ecokube.controller.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.kubernetes.crd.CustomResource;
import io.ecokube.kubernetes.crd.ResourceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One attempt of {@link ResourceDocument}: the file's document plus every resource not yet refused,
 * mapped onto config keys. Refuses (into the caller's map) what conflicts with the file or with an
 * older resource, and remembers who wrote each path so the loader's problems can be blamed.
 */
final class ResourceAssembly {
  private final ObjectNode file;
  final ObjectNode doc;
  final Map<String, CustomResource> applied = new LinkedHashMap<>();
  final Map<String, List<String>> warnings = new HashMap<>();
  final Map<String, List<String>> nodesOf = new HashMap<>();
  final ConfigOwnership owners = new ConfigOwnership();

  ResourceAssembly(
      ObjectNode file,
      List<CustomResource> resources,
      List<NodeFacts> nodes,
      Map<String, Verdict> refused) {
    this.file = file;
    this.doc = file.deepCopy();
    Set<String> filePools = new HashSet<>();
    file.path("pools").fieldNames().forEachRemaining(filePools::add);
    Set<String> fileNodes = new HashSet<>();
    file.path("nodes").forEach(n -> fileNodes.add(n.path("name").asText()));
    Map<String, String> poolOwner = new HashMap<>();
    Map<String, String> nodeOwner = new HashMap<>();
    for (CustomResource r : resources) {
      if (r.kind() != ResourceKind.NODE_POOL || refused.containsKey(r.describe())) {
        continue;
      }
      String pool = r.name();
      if (pool.equals(EcoKubeConfig.DEFAULT_POOL) || filePools.contains(pool)) {
        refused.put(
            r.describe(),
            Verdict.refused(
                "Conflict",
                "pool '"
                    + pool
                    + "' is declared in the config file (pools."
                    + pool
                    + "); rename this NodePool or remove the pool from the file"));
        continue;
      }
      if (poolOwner.containsKey(pool)) {
        refused.put(
            r.describe(),
            Verdict.refused(
                "Conflict",
                "pool '"
                    + pool
                    + "' is already defined by the older "
                    + poolOwner.get(pool)
                    + "; rename one of them"));
        continue;
      }
      JsonNode spec = spec(r);
      Optional<String> cycles = cycleConflict(spec.path("cycleLimits"), r);
      if (cycles.isPresent()) {
        refused.put(r.describe(), Verdict.refused("Conflict", cycles.get()));
        continue;
      }
      poolOwner.put(pool, r.describe());
      nodePool(r, spec, nodes, fileNodes, nodeOwner);
    }
    for (CustomResource r : resources) {
      if (r.kind() == ResourceKind.POWER_POLICY && !refused.containsKey(r.describe())) {
        powerPolicy(r, spec(r), filePools, poolOwner.keySet(), refused);
      }
    }
    for (CustomResource r : resources) {
      if (r.kind() == ResourceKind.COST_POLICY && !refused.containsKey(r.describe())) {
        costPolicy(r, spec(r), refused);
      }
    }
  }

  private void nodePool(
      CustomResource r,
      JsonNode spec,
      List<NodeFacts> nodes,
      Set<String> fileNodes,
      Map<String, String> nodeOwner) {
    String key = r.describe();
    String pool = r.name();
    ObjectNode p = pools().putObject(pool);
    owners.own("pools." + pool, key, "spec");
    copy(spec, "minWarmNodes", p, "minActive");
    copy(spec, "warmReserve", p, "warmReserve");
    copy(spec, "idleGrace", p, "idleGrace");
    owners.field("pools." + pool + ".minActive", "spec.minWarmNodes");
    JsonNode limits = spec.path("cycleLimits");
    if (limits.has("maxCyclesPerNodePerDay")) {
      engine().set("maxCyclesPerNodePerDay", limits.get("maxCyclesPerNodePerDay"));
      owners.own("engine.maxCyclesPerNodePerDay", key, "spec.cycleLimits.maxCyclesPerNodePerDay");
    }
    if (limits.has("minUptime")) {
      engine().set("minUptime", limits.get("minUptime"));
      owners.own("engine.minUptime", key, "spec.cycleLimits.minUptime");
    }
    List<String> mine = new ArrayList<>();
    List<String> warn = new ArrayList<>();
    for (NodeFacts n : nodes) {
      if (!LabelSelector.matches(spec.path("nodeSelector"), n.labels())) {
        continue;
      }
      if (fileNodes.contains(n.name())) {
        warn.add(
            "Node "
                + n.name()
                + " is listed in the config file, whose entry stays in force; remove it there"
                + " to let this pool manage it");
        continue;
      }
      String holder = nodeOwner.putIfAbsent(n.name(), key);
      if (holder != null) {
        warn.add("Node " + n.name() + " is already in the older " + holder + "; left there");
        continue;
      }
      ObjectNode entry = nodesArray().addObject();
      String path = "nodes[" + (nodesArray().size() - 1) + "]";
      owners.own(path, key, "spec (Node " + n.name() + ")");
      owners.field(path + ".power.drivers", "spec.power.drivers (Node " + n.name() + ")");
      owners.field(path + ".power", "spec.powerProfile (Node " + n.name() + ")");
      entry.put("name", n.name());
      entry.put("pool", pool);
      ObjectNode alloc = entry.putObject("allocatable");
      alloc.put("cpu", n.cpu().orElse("1"));
      alloc.put("memory", n.memory().orElse("1Gi"));
      ObjectNode power = ResourceDocument.JSON.createObjectNode();
      JsonNode profile = spec.path("powerProfile");
      if (profile.isObject()) {
        power.setAll((ObjectNode) profile.deepCopy());
      }
      JsonNode chain = spec.path("power").path("drivers");
      if (chain.isArray() && chain.size() > 0) {
        Optional<ArrayNode> drivers = NodeDriverChain.drivers(r, spec.path("power"), n, warn);
        drivers.ifPresent(d -> power.set("drivers", d));
      }
      if (!power.isEmpty()) {
        entry.set("power", power);
      }
      mine.add(n.name());
    }
    applied.put(key, r);
    nodesOf.put(key, mine);
    warnings.put(key, warn);
  }

  private Optional<String> cycleConflict(JsonNode limits, CustomResource r) {
    for (String k : List.of("maxCyclesPerNodePerDay", "minUptime")) {
      if (!limits.has(k)) {
        continue;
      }
      if (file.path("engine").has(k)) {
        return Optional.of(
            "spec.cycleLimits."
                + k
                + " conflicts with engine."
                + k
                + " in the config file; the engine has one limit for every node, so set it in"
                + " one place");
      }
      String owner = owners.holder("engine." + k);
      if (owner != null && !doc.path("engine").path(k).equals(limits.get(k))) {
        return Optional.of(
            "spec.cycleLimits."
                + k
                + " differs from the older "
                + owner
                + "; the engine has one limit for every node, so pools must agree");
      }
    }
    return Optional.empty();
  }

  private void powerPolicy(
      CustomResource r,
      JsonNode spec,
      Set<String> filePools,
      Set<String> resourcePools,
      Map<String, Verdict> refused) {
    String key = r.describe();
    if (spec.path("scope").asText().equals("Pool")) {
      String pool = spec.path("pool").asText();
      if (!filePools.contains(pool)
          && !resourcePools.contains(pool)
          && !pool.equals(EcoKubeConfig.DEFAULT_POOL)) {
        refused.put(
            key,
            Verdict.refused(
                "NoSuchPool",
                "pool '"
                    + pool
                    + "' is neither in the config file nor an applied NodePool; create the"
                    + " NodePool or fix spec.pool"));
        return;
      }
      if (!spec.has("capWatts")) {
        applied.put(key, r);
        return;
      }
      String path = "pools." + pool + ".powerCapWatts";
      if (file.path("pools").path(pool).has("powerCapWatts") || owners.isOwned(path)) {
        refused.put(
            key,
            Verdict.refused(
                "Conflict",
                "the cap of pool '" + pool + "' is already set by " + owners.setBy(path)));
        return;
      }
      ObjectNode target =
          pools().path(pool).isObject() ? (ObjectNode) pools().get(pool) : pools().putObject(pool);
      target.set("powerCapWatts", spec.get("capWatts").deepCopy());
      owners.own(path, key, "spec.capWatts");
      applied.put(key, r);
      return;
    }
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("capWatts", "clusterPowerCapWatts");
    keys.put("wakeRanker", "wakeRanker");
    keys.put("green", "green");
    keys.put("carbon", "carbon");
    for (Map.Entry<String, String> e : keys.entrySet()) {
      String path = "engine." + e.getValue();
      if (spec.has(e.getKey()) && (file.path("engine").has(e.getValue()) || owners.isOwned(path))) {
        refused.put(
            key,
            Verdict.refused(
                "Conflict",
                "spec."
                    + e.getKey()
                    + " is already set by "
                    + owners.setBy(path)
                    + "; set it in one place"));
        return;
      }
    }
    for (Map.Entry<String, String> e : keys.entrySet()) {
      if (spec.has(e.getKey())) {
        engine().set(e.getValue(), spec.get(e.getKey()).deepCopy());
        owners.own("engine." + e.getValue(), key, "spec." + e.getKey());
      }
    }
    applied.put(key, r);
  }

  private void costPolicy(CustomResource r, JsonNode spec, Map<String, Verdict> refused) {
    String key = r.describe();
    Map<String, String> accounting = new LinkedHashMap<>();
    JsonNode tariff = spec.path("tariff");
    for (String k : List.of("currency", "pue", "pricePerKwh", "pricePerKwhByHour", "timeZone")) {
      if (tariff.has(k)) {
        accounting.put(k, "spec.tariff." + k);
      }
    }
    JsonNode carbon = spec.path("carbonIntensity");
    for (String k : List.of("gramsCo2PerKwh", "gramsCo2PerKwhByHour")) {
      if (carbon.has(k)) {
        accounting.put(k, "spec.carbonIntensity." + k);
      }
    }
    List<String> clash = new ArrayList<>();
    if (spec.has("budget")
        && (file.path("engine").has("budget") || owners.isOwned("engine.budget"))) {
      clash.add("spec.budget (already set by " + owners.setBy("engine.budget") + ")");
    }
    for (Map.Entry<String, String> e : accounting.entrySet()) {
      String family = e.getKey().replace("ByHour", "");
      boolean inFile =
          file.path("accounting").has(family) || file.path("accounting").has(family + "ByHour");
      String owner =
          owners.isOwned("accounting." + family)
              ? owners.holder("accounting." + family)
              : owners.holder("accounting." + family + "ByHour");
      if (inFile || owner != null) {
        clash.add(
            e.getValue()
                + " (already set by "
                + (inFile ? "the config file's accounting." + family : owner)
                + ")");
      }
    }
    if (!clash.isEmpty()) {
      refused.put(
          key,
          Verdict.refused(
              "Conflict", "not applied: " + String.join(", ", clash) + "; set each in one place"));
      return;
    }
    if (spec.has("budget")) {
      engine().set("budget", spec.get("budget").deepCopy());
      owners.own("engine.budget", key, "spec.budget");
    }
    ObjectNode acc =
        doc.has("accounting") && doc.get("accounting").isObject()
            ? (ObjectNode) doc.get("accounting")
            : doc.putObject("accounting");
    for (Map.Entry<String, String> e : accounting.entrySet()) {
      JsonNode from = e.getValue().startsWith("spec.tariff") ? tariff : carbon;
      acc.set(e.getKey(), from.get(e.getKey()).deepCopy());
      owners.own("accounting." + e.getKey(), key, e.getValue());
    }
    applied.put(key, r);
  }

  private ObjectNode pools() {
    return doc.has("pools") && doc.get("pools").isObject()
        ? (ObjectNode) doc.get("pools")
        : doc.putObject("pools");
  }

  private ObjectNode engine() {
    return doc.has("engine") && doc.get("engine").isObject()
        ? (ObjectNode) doc.get("engine")
        : doc.putObject("engine");
  }

  private ArrayNode nodesArray() {
    return doc.has("nodes") && doc.get("nodes").isArray()
        ? (ArrayNode) doc.get("nodes")
        : doc.putArray("nodes");
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    if (from.has(field)) {
      to.set(as, from.get(field).deepCopy());
    }
  }

  private static JsonNode spec(CustomResource r) {
    try {
      JsonNode n = ResourceDocument.JSON.readTree(r.specJson());
      return n == null ? ResourceDocument.JSON.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      return ResourceDocument.JSON.createObjectNode();
    }
  }
}
