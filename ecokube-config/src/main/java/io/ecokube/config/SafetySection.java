package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.net.IpNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@code safety} section: maintenance threshold, cluster-health breaker, Node hints. */
final class SafetySection extends ConfigReader {
  private static final Set<String> SAFETY =
      Set.of("maintenanceAfter", "clusterHealth", "nodeHints");
  private static final Set<String> CLUSTER_HEALTH = Set.of("maxUnreadyPercent", "okUnreadyCount");
  private static final Set<String> NODE_HINTS = Set.of("mac", "bmcNetworks");

  /**
   * The widest BMC network a Node may point into, by address family: a wider one would let any Node
   * that can annotate itself aim the BMC password at nearly any host.
   */
  static final int MIN_IPV4_PREFIX = 8;

  static final int MIN_IPV6_PREFIX = 32;

  SafetySection(ConfigProblems problems) {
    super(problems);
  }

  Safety safety(JsonNode n) {
    Safety d = Safety.DEFAULT;
    if (n == null || n.isNull() || !object(n, "safety")) {
      return d;
    }
    fields(n, "safety.", SAFETY);
    int after = integer(n, "safety", "maintenanceAfter", d.maintenanceAfter(), 1, 1000);
    double percent = d.maxUnreadyPercent();
    int ok = d.okUnreadyCount();
    JsonNode health = n.get("clusterHealth");
    if (health != null && !health.isNull() && object(health, "safety.clusterHealth")) {
      fields(health, "safety.clusterHealth.", CLUSTER_HEALTH);
      percent = number(health, "safety.clusterHealth", "maxUnreadyPercent", percent, 0, 100);
      ok = integer(health, "safety.clusterHealth", "okUnreadyCount", ok, 0, 100_000);
    }
    boolean mac = d.acceptMacHint();
    List<IpNetwork> networks = new ArrayList<>();
    JsonNode hints = n.get("nodeHints");
    if (hints != null && !hints.isNull() && object(hints, "safety.nodeHints")) {
      fields(hints, "safety.nodeHints.", NODE_HINTS);
      mac = bool(hints, "safety.nodeHints", "mac", mac);
      networks = networks(hints.get("bmcNetworks"));
    }
    return new Safety(after, percent, ok, mac, networks);
  }

  private List<IpNetwork> networks(JsonNode list) {
    String path = "safety.nodeHints.bmcNetworks";
    List<IpNetwork> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      error(path, "expected a list of CIDR networks such as [10.0.20.0/24], got " + kind(list));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i);
      String at = path + "[" + i + "]";
      if (!v.isTextual()) {
        error(at, "expected a CIDR network such as 10.0.20.0/24, got " + kind(v));
        continue;
      }
      IpNetwork net;
      try {
        net = IpNetwork.parse(v.asText().trim());
      } catch (IllegalArgumentException e) {
        error(at, e.getMessage());
        continue;
      }
      int min = net.ipv4() ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX;
      if (net.prefix() < min) {
        error(
            at,
            "'"
                + net
                + "' is too wide for BMC address hints (shorter than /"
                + min
                + "); list only the networks your BMCs are on");
        continue;
      }
      out.add(net);
    }
    return out;
  }
}
