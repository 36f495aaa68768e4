package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.secret.SecretRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code meters} section: Kepler through Prometheus, DCMI over IPMI and Redfish chassis power,
 * each for every node or for chosen pools and nodes, in an order of preference, with an age after
 * which a reading is ignored.
 */
final class MetersSection extends ConfigReader {
  private static final Set<String> METERS =
      Set.of("interval", "staleAfter", "preference", "kepler", "dcmi", "redfish");
  private static final Set<String> KEPLER =
      Set.of(
          "url",
          "bearerToken",
          "username",
          "password",
          "trustStore",
          "trustStorePassword",
          "insecureSkipTlsVerify",
          "timeout",
          "nodeLabel",
          "rateWindow",
          "pools",
          "nodes");
  private static final Set<String> BMC = Set.of("pools", "nodes");
  private static final List<String> KINDS =
      List.of(MeterSettings.DCMI, MeterSettings.REDFISH, MeterSettings.KEPLER);
  private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  private static final Duration DEFAULT_STALE = Duration.ofMinutes(2);

  private final Set<String> secretSchemes;

  MetersSection(ConfigProblems problems, Set<String> secretSchemes) {
    super(problems);
    this.secretSchemes = secretSchemes;
  }

  /**
   * Reads the section.
   *
   * @param n the section
   * @param nodes the nodes loaded
   * @param pools the declared pools
   * @param checkNodes whether node names can be checked (false when a node was dropped for its own
   *     errors, which would make a correct reference look unknown)
   */
  Optional<MeterSettings> meters(
      JsonNode n, List<NodeSpec> nodes, Set<String> pools, boolean checkNodes) {
    String p = "meters";
    if (n == null || n.isNull() || !object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", METERS);
    Duration interval = duration(n, p, "interval", false).orElse(DEFAULT_INTERVAL);
    Duration stale = duration(n, p, "staleAfter", false).orElse(DEFAULT_STALE);
    if (stale.compareTo(interval) < 0) {
      error(
          p + ".staleAfter",
          "'"
              + Durations.format(stale)
              + "' is shorter than meters.interval ("
              + Durations.format(interval)
              + "): every reading would be ignored before the next one; use at least the interval");
    }
    Optional<MeterSettings.Kepler> kepler =
        kepler(n.get("kepler"), p + ".kepler", nodes, pools, checkNodes);
    Map<String, Set<String>> bmc = new LinkedHashMap<>();
    for (String kind : List.of(MeterSettings.DCMI, MeterSettings.REDFISH)) {
      bmc(n.get(kind), p + "." + kind, kind, nodes, pools, checkNodes)
          .ifPresent(s -> bmc.put(kind, s));
    }
    Set<String> configured = new LinkedHashSet<>();
    for (String kind : KINDS) {
      if (n.hasNonNull(kind)) {
        configured.add(kind);
      }
    }
    if (configured.isEmpty()) {
      error(p, "names no meter; configure kepler, dcmi or redfish, or drop the section");
    }
    List<String> preference = preference(n.get("preference"), p + ".preference", configured);
    if (errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new MeterSettings(interval, stale, preference, kepler, bmc));
  }

  /** The listed order; default: wall power first (dcmi, redfish), then Kepler. */
  private List<String> preference(JsonNode list, String path, Set<String> configured) {
    if (list == null || list.isNull()) {
      return List.copyOf(configured);
    }
    if (!list.isArray()) {
      error(path, "expected a list such as [dcmi, kepler], got " + kind(list));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String v = list.get(i).asText();
      String where = path + "[" + i + "]";
      if (!KINDS.contains(v)) {
        error(where, "'" + v + "' is not a meter; use one of " + KINDS);
      } else if (!configured.contains(v)) {
        error(where, "'" + v + "' is not configured; add a meters." + v + " section or drop it");
      } else if (out.contains(v)) {
        error(where, "'" + v + "' is listed twice");
      } else {
        out.add(v);
      }
    }
    for (String c : configured) {
      if (!out.contains(c) && list.size() > 0) {
        error(path, "does not list the configured meter '" + c + "'; add it where it ranks");
      }
    }
    return out;
  }

  private Optional<MeterSettings.Kepler> kepler(
      JsonNode k, String p, List<NodeSpec> nodes, Set<String> pools, boolean checkNodes) {
    if (k == null || k.isNull() || !object(k, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(k, p + ".", KEPLER);
    URI url = null;
    Optional<String> raw = text(k, p, "url");
    if (raw.isEmpty() && !k.has("url")) {
      error(
          p + ".url",
          "is required: the Prometheus that scrapes Kepler, e.g. http://prometheus:9090");
    }
    if (raw.isPresent()) {
      try {
        url = new URI(raw.get());
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())
            || url.getHost() == null) {
          error(p + ".url", "'" + raw.get() + "' is not an http:// or https:// URL with a host");
          url = null;
        } else if (url.getUserInfo() != null) {
          // Never echo it: the user info may hold a password.
          error(
              p + ".url",
              "carries credentials (value not shown); use username and password (a reference) or"
                  + " bearerToken instead");
          url = null;
        }
      } catch (URISyntaxException e) {
        error(p + ".url", "'" + raw.get() + "' is not a URL: " + e.getReason());
      }
    }
    Optional<SecretRef> token = secret(k, p, "bearerToken");
    Optional<String> user = text(k, p, "username");
    Optional<SecretRef> password = secret(k, p, "password");
    if (user.isPresent() != k.hasNonNull("password")) {
      error(
          p + (user.isPresent() ? ".password" : ".username"),
          "basic auth needs both username and password");
    }
    if (k.hasNonNull("bearerToken") && user.isPresent()) {
      error(p + ".bearerToken", "choose either bearerToken or username/password, not both");
    }
    Optional<Path> trust = text(k, p, "trustStore").map(Path::of);
    Optional<SecretRef> trustPassword = secret(k, p, "trustStorePassword");
    if (trustPassword.isPresent() && trust.isEmpty()) {
      error(p + ".trustStorePassword", "only applies with trustStore");
    }
    boolean insecure = bool(k, p, "insecureSkipTlsVerify", false);
    if (insecure && trust.isPresent()) {
      error(p + ".insecureSkipTlsVerify", "contradicts trustStore; drop one");
    }
    Duration timeout = duration(k, p, "timeout", false).orElse(Duration.ofSeconds(10));
    String label = text(k, p, "nodeLabel").orElse("instance");
    if (!label.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      error(p + ".nodeLabel", "'" + label + "' is not a Prometheus label name");
    }
    Duration window = duration(k, p, "rateWindow", false).orElse(Duration.ofMinutes(1));
    if (window.toSeconds() < 1) {
      error(p + ".rateWindow", "'" + Durations.format(window) + "' must be at least 1s");
    }
    Set<String> covered = selection(k, p, nodes, pools, checkNodes, n -> true, "");
    if (errorCount() != before || url == null) {
      return Optional.empty();
    }
    return Optional.of(
        new MeterSettings.Kepler(
            new PrometheusEndpoint(
                url, token, user, password, trust, trustPassword, insecure, timeout),
            covered,
            label,
            window));
  }

  /** The nodes a BMC meter reads: those chosen (all by default) whose chain has its driver. */
  private Optional<Set<String>> bmc(
      JsonNode b,
      String p,
      String kind,
      List<NodeSpec> nodes,
      Set<String> pools,
      boolean checkNodes) {
    if (b == null || b.isNull() || !object(b, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(b, p + ".", BMC);
    String driver = kind.equals(MeterSettings.DCMI) ? "ipmi" : "redfish";
    Set<String> chosen =
        selection(
            b,
            p,
            nodes,
            pools,
            checkNodes,
            n -> n.address().chain().stream().map(DriverSpec::driver).anyMatch(driver::equals),
            driver);
    Set<String> out = new TreeSet<>();
    for (NodeSpec n : nodes) {
      boolean has = n.address().chain().stream().map(DriverSpec::driver).anyMatch(driver::equals);
      if (has && (chosen.isEmpty() || chosen.contains(n.name()))) {
        out.add(n.name());
      }
    }
    if (errorCount() == before && out.isEmpty() && checkNodes) {
      error(
          p,
          "covers no node with a "
              + driver
              + " driver; a BMC is read with the settings of the node's own "
              + driver
              + " driver");
    }
    return errorCount() != before ? Optional.empty() : Optional.of(out);
  }

  /**
   * The nodes named by {@code pools} and {@code nodes} (their union); empty when neither is given,
   * which means every node.
   */
  private Set<String> selection(
      JsonNode n,
      String p,
      List<NodeSpec> nodes,
      Set<String> pools,
      boolean checkNodes,
      java.util.function.Predicate<NodeSpec> eligible,
      String driver) {
    int before = errorCount();
    Set<String> out = new TreeSet<>();
    Map<String, NodeSpec> byName = new LinkedHashMap<>();
    nodes.forEach(s -> byName.put(s.name(), s));
    for (String pool : names(n.get("pools"), p + ".pools")) {
      if (!pools.contains(pool)) {
        error(p + ".pools", "'" + pool + "' is not a declared pool; declared: " + pools);
        continue;
      }
      nodes.stream().filter(s -> s.pool().equals(pool)).forEach(s -> out.add(s.name()));
    }
    List<String> named = names(n.get("nodes"), p + ".nodes");
    for (int i = 0; i < named.size(); i++) {
      String name = named.get(i);
      NodeSpec spec = byName.get(name);
      if (spec == null) {
        if (checkNodes) {
          error(p + ".nodes[" + i + "]", "'" + name + "' is not a node in nodes");
        }
      } else if (!eligible.test(spec)) {
        error(
            p + ".nodes[" + i + "]",
            "node '"
                + name
                + "' has no "
                + driver
                + " driver; its BMC is read with that driver's settings, so add one to its chain");
      } else {
        out.add(name);
      }
    }
    if ((n.has("pools") || n.has("nodes"))
        && out.isEmpty()
        && errorCount() == before
        && checkNodes) {
      error(p, "pools and nodes select no node");
    }
    return out;
  }

  private List<String> names(JsonNode list, String path) {
    List<String> out = new ArrayList<>();
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      error(path, "expected a list of names, got " + kind(list));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode v = list.get(i);
      if (!v.isValueNode() || v.asText().isBlank()) {
        error(path + "[" + i + "]", "expected a name, got " + kind(v));
      } else {
        out.add(v.asText().trim());
      }
    }
    return out;
  }

  private Optional<SecretRef> secret(JsonNode n, String path, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode() || v.asText().isBlank()) {
      error(path + "." + field, "expected a secret reference such as file:/path or env:NAME");
      return Optional.empty();
    }
    return secretReference(path + "." + field, v.asText().trim(), secretSchemes);
  }
}
