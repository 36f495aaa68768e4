package io.ecokube.controller.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.net.IpNetwork;
import io.ecokube.config.ConfigException;
import io.ecokube.config.ConfigProblem;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.kubernetes.crd.CustomResource;
import io.ecokube.kubernetes.crd.ResourceKind;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Maps NodePools, PowerPolicies and CostPolicies onto the config file's document and validates the
 * result with the same loader as the file, so a resource means exactly what the equivalent file
 * keys mean and is checked by the same rules. A pure function of its inputs.
 *
 * <p>How the two combine: the file is the base and always wins. A resource that sets something the
 * file already sets, or that an older resource of the same kind already sets, is refused with
 * reason {@code Conflict} naming the other side; the rest still apply. A resource whose settings
 * the loader refuses is refused with reason {@code Invalid} and the loader's messages, and the
 * others are validated again without it. Mapping:
 *
 * <ul>
 *   <li>NodePool {@code name} declares pool {@code pools.name} ({@code minWarmNodes} is {@code
 *       minActive}, {@code warmReserve}, {@code idleGrace}) and adds a {@code nodes[]} entry for
 *       each Node its selector picks, with the pool's power profile and driver chain; {@code
 *       cycleLimits} set {@code engine.maxCyclesPerNodePerDay} and {@code engine.minUptime}. A Node
 *       the file lists by name, or an older NodePool already holds, stays where it is.
 *   <li>PowerPolicy scope Cluster: {@code engine.clusterPowerCapWatts}, {@code engine.wakeRanker},
 *       {@code engine.green}, {@code engine.carbon}; scope Pool: {@code pools.X.powerCapWatts}.
 *   <li>CostPolicy: {@code engine.budget}, and {@code accounting} from its tariff and carbon
 *       intensity.
 * </ul>
 *
 * <p>Trust boundary: the driver chain, its settings and Secret references come from the NodePool
 * only. A Node contributes at most the one address the NodePool asks for, and only an IP literal
 * inside the NodePool's {@code allowedAddressNetworks} (or a MAC for the setting {@code mac}); a
 * Secret is always looked up in the NodePool's own namespace.
 */
public final class ResourceDocument {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}");
  private static final int MAX_ROUNDS = 16;

  /**
   * The outcome.
   *
   * @param config the effective config: the file with every applied resource
   * @param verdicts per resource ({@link CustomResource#describe()}), what became of it
   * @param document the assembled document (JSON): equal documents mean the same config
   */
  public record Result(EcoKubeConfig config, Map<String, Verdict> verdicts, String document) {
    /** Copies. */
    public Result {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(document, "document");
      verdicts = Map.copyOf(verdicts);
    }
  }

  private final ObjectNode file;
  private final Function<String, EcoKubeConfig> loader;
  // Documents the loader accepted in the last call: the loader builds every driver and reads
  // every referenced Secret, which a steady cluster need not repeat each period. Refused documents
  // are checked again each time, so a Secret created later is seen.
  private Map<String, EcoKubeConfig> accepted = Map.of();

  /**
   * @param file the config file's document (YAML parsed to a tree)
   * @param loader validates a document (JSON text) as the file loader does; throws {@link
   *     ConfigException} listing every problem
   */
  public ResourceDocument(ObjectNode file, Function<String, EcoKubeConfig> loader) {
    this.file = Objects.requireNonNull(file, "file").deepCopy();
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  /**
   * Assembles and validates.
   *
   * @param resources every NodePool, PowerPolicy and CostPolicy, oldest first
   * @param nodes the cluster's Nodes
   */
  public synchronized Result assemble(List<CustomResource> resources, List<NodeFacts> nodes) {
    Map<String, EcoKubeConfig> seen = accepted;
    accepted = new HashMap<>();
    Map<String, Verdict> refused = new LinkedHashMap<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      Assembly a = new Assembly(resources, nodes, refused);
      String text;
      try {
        text = JSON.writeValueAsString(a.doc);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the assembled document", e);
      }
      try {
        EcoKubeConfig known = seen.get(text);
        EcoKubeConfig config = known != null ? known : loader.apply(text);
        accepted.put(text, config);
        Map<String, Verdict> out = new LinkedHashMap<>(refused);
        a.applied.forEach(
            (key, r) ->
                out.put(
                    key,
                    new Verdict(
                        true,
                        "Applied",
                        "in force together with the config file",
                        a.warnings.getOrDefault(key, List.of()),
                        a.nodesOf.getOrDefault(key, List.of()))));
        return new Result(config, out, text);
      } catch (ConfigException e) {
        Map<String, List<String>> blamed = new TreeMap<>();
        for (ConfigProblem p : e.problems()) {
          Optional<String> owner = a.owner(p.path());
          if (owner.isEmpty()) {
            // A problem of the file together with the resources as a whole: keep only the file.
            blamed.clear();
            a.applied.keySet().forEach(k -> blamed.put(k, List.of(p.path() + ": " + p.problem())));
            break;
          }
          blamed
              .computeIfAbsent(owner.get(), k -> new ArrayList<>())
              .add(a.translate(owner.get(), p.path()) + ": " + p.problem());
        }
        blamed.forEach(
            (k, problems) ->
                refused.put(
                    k,
                    Verdict.refused(
                        "Invalid",
                        "not applied: "
                            + String.join("; ", problems)
                            + "; fix the spec, the rest of the configuration stays in force")));
      }
    }
    throw new IllegalStateException(
        "resources could not be assembled in " + MAX_ROUNDS + " rounds");
  }

  /** One attempt: the file plus every resource not yet refused. */
  private final class Assembly {
    final ObjectNode doc = file.deepCopy();
    final Map<String, CustomResource> applied = new LinkedHashMap<>();
    final Map<String, List<String>> warnings = new HashMap<>();
    final Map<String, List<String>> nodesOf = new HashMap<>();

    /** Config path prefix -> the resource that wrote it. */
    final Map<String, String> owners = new HashMap<>();

    /** Config path prefix -> the resource field it came from, for messages. */
    final Map<String, String> fields = new HashMap<>();

    Assembly(List<CustomResource> resources, List<NodeFacts> nodes, Map<String, Verdict> refused) {
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
      own("pools." + pool, key, "spec");
      copy(spec, "minWarmNodes", p, "minActive");
      copy(spec, "warmReserve", p, "warmReserve");
      copy(spec, "idleGrace", p, "idleGrace");
      fields.put("pools." + pool + ".minActive", "spec.minWarmNodes");
      JsonNode limits = spec.path("cycleLimits");
      if (limits.has("maxCyclesPerNodePerDay")) {
        engine().set("maxCyclesPerNodePerDay", limits.get("maxCyclesPerNodePerDay"));
        own("engine.maxCyclesPerNodePerDay", key, "spec.cycleLimits.maxCyclesPerNodePerDay");
      }
      if (limits.has("minUptime")) {
        engine().set("minUptime", limits.get("minUptime"));
        own("engine.minUptime", key, "spec.cycleLimits.minUptime");
      }
      List<String> mine = new ArrayList<>();
      List<String> warn = new ArrayList<>();
      for (NodeFacts n : nodes) {
        if (!Selector.matches(spec.path("nodeSelector"), n.labels())) {
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
        own(path, key, "spec (Node " + n.name() + ")");
        fields.put(path + ".power.drivers", "spec.power.drivers (Node " + n.name() + ")");
        fields.put(path + ".power", "spec.powerProfile (Node " + n.name() + ")");
        entry.put("name", n.name());
        entry.put("pool", pool);
        ObjectNode alloc = entry.putObject("allocatable");
        alloc.put("cpu", n.cpu().orElse("1"));
        alloc.put("memory", n.memory().orElse("1Gi"));
        ObjectNode power = JSON.createObjectNode();
        JsonNode profile = spec.path("powerProfile");
        if (profile.isObject()) {
          power.setAll((ObjectNode) profile.deepCopy());
        }
        JsonNode chain = spec.path("power").path("drivers");
        if (chain.isArray() && chain.size() > 0) {
          Optional<ArrayNode> drivers = drivers(r, spec.path("power"), n, warn);
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

    /**
     * The NodePool's chain for one Node; empty (the Node stays unmanaged) when its address is bad.
     */
    private Optional<ArrayNode> drivers(
        CustomResource r, JsonNode power, NodeFacts n, List<String> warn) {
      ArrayNode out = JSON.createArrayNode();
      for (JsonNode d : power.path("drivers")) {
        ObjectNode driver = out.addObject();
        driver.set("driver", d.get("driver"));
        ObjectNode settings = driver.putObject("settings");
        if (d.path("settings").isObject()) {
          settings.setAll((ObjectNode) d.get("settings").deepCopy());
        }
        JsonNode address = d.path("nodeAddress");
        if (address.isObject()) {
          Optional<String> value = address(address, power, n, warn);
          if (value.isEmpty()) {
            return Optional.empty();
          }
          settings.put(address.path("setting").asText(), value.get());
        }
        for (JsonNode s : d.path("secretRefs")) {
          settings.put(
              s.path("setting").asText(),
              "k8s:"
                  + r.namespace()
                  + "/"
                  + s.path("name").asText()
                  + "/"
                  + s.path("key").asText());
        }
      }
      return Optional.of(out);
    }

    private Optional<String> address(
        JsonNode address, JsonNode power, NodeFacts n, List<String> warn) {
      String setting = address.path("setting").asText();
      if (address.has("template")) {
        return Optional.of(address.get("template").asText().replace("{node}", n.name()));
      }
      boolean label = address.has("fromLabel");
      String k =
          label ? address.path("fromLabel").asText() : address.path("fromAnnotation").asText();
      String raw = (label ? n.labels() : n.annotations()).get(k);
      String where = (label ? "label " : "annotation ") + k;
      if (raw == null || raw.isBlank()) {
        warn.add(
            "Node " + n.name() + " has no " + where + "; it is left unmanaged (never powered)");
        return Optional.empty();
      }
      String v = raw.trim();
      if (setting.equals("mac")) {
        String mac = v.toLowerCase(Locale.ROOT);
        if (MAC.matcher(mac).matches()) {
          return Optional.of(mac);
        }
        warn.add(
            "Node "
                + n.name()
                + ": "
                + where
                + " is not a MAC address (six hex pairs such as aa:bb:cc:dd:ee:ff); it is left"
                + " unmanaged");
        return Optional.empty();
      }
      Optional<InetAddress> ip = IpNetwork.literal(v);
      List<String> networks = new ArrayList<>();
      power.path("allowedAddressNetworks").forEach(x -> networks.add(x.asText()));
      boolean inside =
          ip.isPresent()
              && networks.stream()
                  .anyMatch(
                      c -> {
                        try {
                          return IpNetwork.parse(c).contains(ip.get());
                        } catch (IllegalArgumentException e) {
                          return false;
                        }
                      });
      if (!inside) {
        warn.add(
            "Node "
                + n.name()
                + ": "
                + where
                + " must be an IP address inside allowedAddressNetworks "
                + networks
                + "; it is left unmanaged");
        return Optional.empty();
      }
      String host = ip.get().getHostAddress();
      if (setting.equals("endpoint")) {
        return Optional.of("https://" + (host.contains(":") ? "[" + host + "]" : host));
      }
      return Optional.of(host);
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
        String owner = owners.get("engine." + k);
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
        if (file.path("pools").path(pool).has("powerCapWatts") || owners.containsKey(path)) {
          refused.put(
              key,
              Verdict.refused(
                  "Conflict", "the cap of pool '" + pool + "' is already set by " + setBy(path)));
          return;
        }
        ObjectNode target =
            pools().path(pool).isObject()
                ? (ObjectNode) pools().get(pool)
                : pools().putObject(pool);
        target.set("powerCapWatts", spec.get("capWatts").deepCopy());
        own(path, key, "spec.capWatts");
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
        if (spec.has(e.getKey())
            && (file.path("engine").has(e.getValue()) || owners.containsKey(path))) {
          refused.put(
              key,
              Verdict.refused(
                  "Conflict",
                  "spec."
                      + e.getKey()
                      + " is already set by "
                      + setBy(path)
                      + "; set it in one place"));
          return;
        }
      }
      for (Map.Entry<String, String> e : keys.entrySet()) {
        if (spec.has(e.getKey())) {
          engine().set(e.getValue(), spec.get(e.getKey()).deepCopy());
          own("engine." + e.getValue(), key, "spec." + e.getKey());
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
          && (file.path("engine").has("budget") || owners.containsKey("engine.budget"))) {
        clash.add("spec.budget (already set by " + setBy("engine.budget") + ")");
      }
      for (Map.Entry<String, String> e : accounting.entrySet()) {
        String family = e.getKey().replace("ByHour", "");
        boolean inFile =
            file.path("accounting").has(family) || file.path("accounting").has(family + "ByHour");
        String owner =
            owners.containsKey("accounting." + family)
                ? owners.get("accounting." + family)
                : owners.get("accounting." + family + "ByHour");
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
                "Conflict",
                "not applied: " + String.join(", ", clash) + "; set each in one place"));
        return;
      }
      if (spec.has("budget")) {
        engine().set("budget", spec.get("budget").deepCopy());
        own("engine.budget", key, "spec.budget");
      }
      ObjectNode acc =
          doc.has("accounting") && doc.get("accounting").isObject()
              ? (ObjectNode) doc.get("accounting")
              : doc.putObject("accounting");
      for (Map.Entry<String, String> e : accounting.entrySet()) {
        JsonNode from = e.getValue().startsWith("spec.tariff") ? tariff : carbon;
        acc.set(e.getKey(), from.get(e.getKey()).deepCopy());
        own("accounting." + e.getKey(), key, e.getValue());
      }
      applied.put(key, r);
    }

    private String setBy(String path) {
      String owner = owners.get(path);
      return owner != null ? "the older " + owner : "the config file (" + path + ")";
    }

    private void own(String path, String key, String field) {
      owners.put(path, key);
      fields.putIfAbsent(path, field);
    }

    /** The resource that wrote the longest config path prefix of {@code path}. */
    Optional<String> owner(String path) {
      String best = null;
      for (String prefix : owners.keySet()) {
        if (covers(prefix, path) && (best == null || prefix.length() > best.length())) {
          best = prefix;
        }
      }
      return Optional.ofNullable(best).map(owners::get);
    }

    /** The config path said the way the resource spells it. */
    String translate(String owner, String path) {
      String best = null;
      for (String prefix : fields.keySet()) {
        if (covers(prefix, path)
            && owner.equals(owner(prefix).orElse(""))
            && (best == null || prefix.length() > best.length())) {
          best = prefix;
        }
      }
      if (best == null) {
        return path;
      }
      // "spec.power.drivers (Node w1)" + "[0].settings.host" reads as the field, then the Node.
      String field = fields.get(best);
      int note = field.indexOf(" (");
      String rest = path.substring(best.length());
      return note < 0 ? field + rest : field.substring(0, note) + rest + field.substring(note);
    }

    private boolean covers(String prefix, String path) {
      return path.equals(prefix) || path.startsWith(prefix + ".") || path.startsWith(prefix + "[");
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
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    if (from.has(field)) {
      to.set(as, from.get(field).deepCopy());
    }
  }

  private static JsonNode spec(CustomResource r) {
    try {
      JsonNode n = JSON.readTree(r.specJson());
      return n == null ? JSON.createObjectNode() : n;
    } catch (JsonProcessingException e) {
      return JSON.createObjectNode();
    }
  }

  /** Label selectors as the API defines them (matchLabels and matchExpressions, all must hold). */
  static final class Selector {
    private Selector() {}

    static boolean matches(JsonNode selector, Map<String, String> labels) {
      if (!selector.isObject()) {
        return false;
      }
      JsonNode ml = selector.path("matchLabels");
      JsonNode me = selector.path("matchExpressions");
      if (ml.size() == 0 && me.size() == 0) {
        // An empty selector would take every Node; the CRD refuses it, so this is defence in depth.
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = ml.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
      for (JsonNode x : me) {
        String k = x.path("key").asText();
        Set<String> values = new HashSet<>();
        x.path("values").forEach(v -> values.add(v.asText()));
        boolean has = labels.containsKey(k);
        boolean ok =
            switch (x.path("operator").asText()) {
              case "In" -> has && values.contains(labels.get(k));
              case "NotIn" -> !has || !values.contains(labels.get(k));
              case "Exists" -> has;
              case "DoesNotExist" -> !has;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }
}
