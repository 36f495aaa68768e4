package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.core.driver.DriverConfigException;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.driver.PowerIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code nodes} section: each node's identity, scheduling attributes, power profile and driver
 * chain. Driver chains are checked by building every driver through the {@link DriverRegistry}
 * (providers do no I/O when building); settings whose key names a secret must hold a reference.
 */
final class NodesSection extends ConfigReader {
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

  /** Taint effects by their Kubernetes names. */
  static final Map<String, TaintEffect> EFFECTS =
      Map.of(
          "NoSchedule", TaintEffect.NO_SCHEDULE,
          "PreferNoSchedule", TaintEffect.PREFER_NO_SCHEDULE,
          "NoExecute", TaintEffect.NO_EXECUTE);

  private static final List<String> SECRET_WORDS =
      List.of("password", "passwd", "passphrase", "token", "secret");
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final int DEFAULT_PODS = 110;

  private final DriverRegistry drivers;
  private final Set<String> secretSchemes;

  NodesSection(ConfigProblems problems, DriverRegistry drivers, Set<String> secretSchemes) {
    super(problems);
    this.drivers = drivers;
    this.secretSchemes = secretSchemes;
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
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      NodeSpec spec = node(node.get(i), "nodes[" + i + "]", declaredPools, seen, i);
      if (spec != null) {
        out.add(spec);
        paths.add("nodes[" + i + "]");
      }
    }
    uniqueTargets(out, paths);
    return out;
  }

  NodeSpec node(
      JsonNode n, String path, Set<String> declaredPools, Map<String, Integer> seen, int index) {
    if (!object(n, path)) {
      return null;
    }
    int before = errorCount();
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
    if (errorCount() != before || name.isEmpty()) {
      return null;
    }
    return new NodeSpec(
        name.get(), pool, labels, taints, allocatable, profile, new PowerAddress(chain), prot, cp);
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
          path + ".maxWatts", "'" + fmt(max) + "' must be at least idleWatts (" + fmt(idle) + ")");
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
    int before = errorCount();
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
      int beforeSettings = errorCount();
      Map<String, String> settings = stringMap(d.get("settings"), dp + ".settings");
      for (Map.Entry<String, String> s : settings.entrySet()) {
        if (isSecretKey(s.getKey())) {
          secretReference(dp + ".settings." + s.getKey(), s.getValue(), secretSchemes);
        }
      }
      chain.add(new DriverSpec(name.get(), settings));
      if (errorCount() == beforeSettings) {
        checkable.add(chain.size() - 1);
      }
    }
    // Only drivers whose settings passed the secret check are built, so an inline secret
    // never reaches a driver (or a driver's error message).
    Set<PowerCapability> capabilities = EnumSet.noneOf(PowerCapability.class);
    for (int idx : checkable) {
      DriverSpec spec = chain.get(idx);
      DriverRegistry.ChainInspection inspection = drivers.inspect(nodeName, List.of(spec));
      for (DriverConfigException e : inspection.problems()) {
        String field = e.field().replaceFirst("^drivers\\[0\\]", "drivers[" + idx + "]");
        error(powerPath + "." + field, e.problem());
      }
      capabilities.addAll(inspection.capabilities());
    }
    if (!chain.isEmpty() && checkable.size() == chain.size() && errorCount() == before) {
      capabilityCheck(path, capabilities);
    }
    return chain;
  }

  List<Taint> taints(JsonNode n, String path) {
    return objects(n, path, "{key, value, effect}", TAINT, this::taint);
  }

  private Optional<Taint> taint(JsonNode t, String tp) {
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
    return key.isPresent() && eff != null
        ? Optional.of(new Taint(key.get(), value, eff))
        : Optional.empty();
  }

  /**
   * A chain that cannot wake its node powers it off for ever; one that cannot power it off drains
   * it again and again and leaves it cordoned. Neither can work, so both are refused.
   */
  private void capabilityCheck(String path, Set<PowerCapability> capabilities) {
    boolean wakes = capabilities.contains(PowerCapability.POWER_ON);
    boolean powersOff =
        capabilities.contains(PowerCapability.POWER_OFF_GRACEFUL)
            || capabilities.contains(PowerCapability.POWER_OFF_FORCED);
    if (!wakes) {
      error(
          path,
          "no driver of this chain can power the node on (together they can "
              + new TreeSet<>(capabilities)
              + "), so a node powered off would stay off; add one that can, such as wol, ipmi or"
              + " redfish, or remove the chain to leave the node unmanaged");
    }
    if (!powersOff) {
      error(
          path,
          "no driver of this chain can power the node off (together they can "
              + new TreeSet<>(capabilities)
              + "), so the node would be drained again and again; add one that can, such as"
              + " ssh, ipmi or redfish, or remove the chain to leave the node unmanaged");
    }
  }

  /**
   * Refuses a machine that two nodes point at: the power-off of the idle one would turn off the
   * busy one. A machine is named as the engine names it at run time ({@link PowerIdentity}).
   */
  void uniqueTargets(List<NodeSpec> nodes, List<String> paths) {
    Map<String, String> owner = new HashMap<>();
    for (int n = 0; n < nodes.size(); n++) {
      NodeSpec node = nodes.get(n);
      List<DriverSpec> chain = node.address().chain();
      for (int d = 0; d < chain.size(); d++) {
        for (String identity : PowerIdentity.of(chain.get(d))) {
          String first = owner.putIfAbsent(identity, node.name());
          if (first != null && !first.equals(node.name())) {
            error(
                paths.get(n) + ".power.drivers[" + d + "]",
                "points at the machine of node '"
                    + first
                    + "' ("
                    + identity
                    + "); two nodes on one machine would power each other off");
          }
        }
      }
    }
  }

  /** Whether a setting's name says it holds a secret (password, token, ...). */
  static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(k::contains);
  }
}
