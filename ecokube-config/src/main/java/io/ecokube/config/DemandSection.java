package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.node.Resources;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.core.workload.LagScalingPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The {@code demand} section: where demand comes from besides pending pods. */
final class DemandSection extends ConfigReader {
  private static final Set<String> DEMAND = Set.of("kafka", "scaleEvents");
  private static final Set<String> KAFKA =
      Set.of("bootstrapServers", "pollInterval", "clientProperties", "sasl", "workloads");
  private static final Set<String> SASL = Set.of("mechanism", "username", "password");
  private static final Set<String> SASL_MECHANISMS =
      Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
  private static final Set<String> WORKLOAD =
      Set.of(
          "workload",
          "topic",
          "group",
          "lagPerReplica",
          "activationLag",
          "minReplicas",
          "maxReplicas",
          "allowIdleConsumers",
          "limitToPartitionsWithLag",
          "cooldown",
          "scaleUpStabilization",
          "scaleDownStabilization",
          "priority",
          "pod");
  private static final Set<String> REF = Set.of("namespace", "kind", "name");
  private static final Set<String> POD = Set.of("cpu", "memory", "gpus");
  private static final Set<String> KINDS = Set.of("Deployment", "StatefulSet");

  private final Set<String> secretSchemes;

  DemandSection(ConfigProblems problems, Set<String> secretSchemes) {
    super(problems);
    this.secretSchemes = secretSchemes;
  }

  Optional<KafkaDemand> kafka(JsonNode demand) {
    if (demand == null || demand.isNull() || !object(demand, "demand")) {
      return Optional.empty();
    }
    fields(demand, "demand.", DEMAND);
    JsonNode k = demand.get("kafka");
    String p = "demand.kafka";
    if (k == null || k.isNull() || !object(k, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(k, p + ".", KAFKA);
    Optional<String> servers = text(k, p, "bootstrapServers");
    if (servers.isEmpty() && !k.has("bootstrapServers")) {
      error(p + ".bootstrapServers", "is required: host:port[,host:port...]");
    }
    servers.ifPresent(s -> bootstrap(s, p + ".bootstrapServers"));
    Optional<Duration> poll = duration(k, p, "pollInterval", false);
    Map<String, String> props = stringMap(k.get("clientProperties"), p + ".clientProperties");
    for (String key : props.keySet()) {
      if (key.startsWith("sasl.jaas") || key.toLowerCase(Locale.ROOT).contains("password")) {
        error(
            p + ".clientProperties." + key,
            "would hold a secret inline (value not shown); use demand.kafka.sasl with a password"
                + " reference, or a key store file");
      }
    }
    Optional<KafkaDemand.SaslLogin> sasl = sasl(k.get("sasl"), p + ".sasl");
    List<LagScalingPolicy> workloads = workloads(k.get("workloads"), p + ".workloads");
    if (errorCount() != before || servers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new KafkaDemand(servers.get(), poll, props, sasl, workloads));
  }

  void bootstrap(String servers, String path) {
    for (String server : servers.split(",")) {
      String s = server.trim();
      int colon = s.lastIndexOf(':');
      boolean ok = colon > 0 && colon < s.length() - 1;
      if (ok) {
        try {
          int port = Integer.parseInt(s.substring(colon + 1));
          ok = port > 0 && port < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        error(path, "'" + s + "' is not host:port; list brokers as host:port[,host:port...]");
      }
    }
  }

  Optional<KafkaDemand.SaslLogin> sasl(JsonNode n, String path) {
    if (n == null || n.isNull() || !object(n, path)) {
      return Optional.empty();
    }
    fields(n, path + ".", SASL);
    String mechanism = text(n, path, "mechanism").orElse("SCRAM-SHA-512");
    if (!SASL_MECHANISMS.contains(mechanism)) {
      error(
          path + ".mechanism",
          "'" + mechanism + "' is not supported; use one of " + new TreeSet<>(SASL_MECHANISMS));
    }
    Optional<String> user = text(n, path, "username");
    if (user.isEmpty() && !n.has("username")) {
      error(path + ".username", "is required");
    }
    Optional<String> password = text(n, path, "password");
    if (password.isEmpty() && !n.has("password")) {
      error(path + ".password", "is required: a reference such as file:/etc/ecokube/kafka-pass");
    }
    SecretRef ref =
        password.flatMap(p -> secretReference(path + ".password", p, secretSchemes)).orElse(null);
    if (user.isEmpty() || ref == null || !SASL_MECHANISMS.contains(mechanism)) {
      return Optional.empty();
    }
    return Optional.of(new KafkaDemand.SaslLogin(mechanism, user.get(), ref));
  }

  private List<LagScalingPolicy> workloads(JsonNode list, String path) {
    List<LagScalingPolicy> out = new ArrayList<>();
    if (list == null || list.isNull() || !list.isArray() || list.isEmpty()) {
      error(path, "is required: a list of workloads whose consumer lag asks for replicas");
      return out;
    }
    Map<WorkloadRef, Integer> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String wp = path + "[" + i + "]";
      JsonNode w = list.get(i);
      if (!object(w, wp)) {
        continue;
      }
      int before = errorCount();
      fields(w, wp + ".", WORKLOAD);
      WorkloadRef ref = ref(w.get("workload"), wp + ".workload");
      Optional<String> topic = required(w, wp, "topic");
      Optional<String> group = required(w, wp, "group");
      Resources pod = pod(w.get("pod"), wp + ".pod");
      int min = integer(w, wp, "minReplicas", 0, 0, 10_000);
      int max = integer(w, wp, "maxReplicas", LagScalingPolicy.DEFAULT_MAX_REPLICAS, 1, 10_000);
      if (max < min) {
        error(wp + ".maxReplicas", "'" + max + "' must be at least minReplicas (" + min + ")");
      }
      long lag = longValue(w, wp, "lagPerReplica", LagScalingPolicy.DEFAULT_LAG_THRESHOLD, 1);
      long activation = longValue(w, wp, "activationLag", 0, 0);
      boolean idle = bool(w, wp, "allowIdleConsumers", false);
      boolean withLag = bool(w, wp, "limitToPartitionsWithLag", false);
      if (idle && withLag) {
        error(wp + ".limitToPartitionsWithLag", "cannot be combined with allowIdleConsumers");
      }
      if (ref != null) {
        Integer first = seen.putIfAbsent(ref, i);
        if (first != null) {
          error(wp + ".workload", "'" + ref + "' is already scaled by " + path + "[" + first + "]");
        }
      }
      if (errorCount() != before || ref == null || topic.isEmpty() || group.isEmpty()) {
        continue;
      }
      LagScalingPolicy.Builder b =
          LagScalingPolicy.builder(ref, topic.get(), group.get(), SchedulingRequirements.of(pod))
              .priority(integer(w, wp, "priority", 0, -2_147_483_647, 1_000_000_000))
              .lagThreshold(lag)
              .activationLagThreshold(activation)
              .minReplicas(min)
              .maxReplicas(max)
              .allowIdleConsumers(idle)
              .limitToPartitionsWithLag(withLag);
      duration(w, wp, "cooldown", true).ifPresent(b::cooldownPeriod);
      duration(w, wp, "scaleUpStabilization", true).ifPresent(b::scaleUpStabilization);
      duration(w, wp, "scaleDownStabilization", true).ifPresent(b::scaleDownStabilization);
      out.add(b.build());
    }
    return out;
  }

  private Optional<String> required(JsonNode n, String path, String field) {
    Optional<String> v = text(n, path, field);
    if (v.isEmpty() && !n.has(field)) {
      error(path + "." + field, "is required");
    }
    return v;
  }

  private WorkloadRef ref(JsonNode n, String path) {
    if (n == null || n.isNull()) {
      error(path, "is required: {namespace, kind, name}");
      return null;
    }
    if (!object(n, path)) {
      return null;
    }
    fields(n, path + ".", REF);
    Optional<String> name = required(n, path, "name");
    String ns = text(n, path, "namespace").orElse("default");
    String kind = text(n, path, "kind").orElse("Deployment");
    if (!KINDS.contains(kind)) {
      error(path + ".kind", "'" + kind + "' cannot be scaled; use one of " + new TreeSet<>(KINDS));
      return null;
    }
    return name.map(v -> new WorkloadRef(ns, kind, v)).orElse(null);
  }

  private Resources pod(JsonNode n, String path) {
    if (n == null || n.isNull()) {
      error(path, "is required: what one replica requests, e.g. {cpu: 500m, memory: 512Mi}");
      return Resources.ZERO;
    }
    if (!object(n, path)) {
      return Resources.ZERO;
    }
    fields(n, path + ".", POD);
    long cpu = quantity(n, path, "cpu", true);
    long memory = quantity(n, path, "memory", false);
    int gpus = integer(n, path, "gpus", 0, 0, 1024);
    return new Resources(cpu, memory, gpus, 1);
  }

  private long longValue(JsonNode n, String path, String field, long dflt, long min) {
    Optional<String> raw = text(n, path, field);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(raw.get());
      if (v >= min) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    error(path + "." + field, "'" + raw.get() + "' is not a whole number of at least " + min);
    return dflt;
  }
}
