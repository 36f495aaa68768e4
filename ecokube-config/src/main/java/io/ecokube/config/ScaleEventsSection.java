package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.node.Toleration;
import io.ecokube.api.secret.SecretRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The {@code demand.scaleEvents} section: scale events from Redis and Kafka run as task pods. */
final class ScaleEventsSection extends ConfigReader {
  private static final Set<String> SCALE_EVENTS =
      Set.of("defaultWorkload", "maxPodsPerEvent", "redis", "kafka", "tasks");
  private static final Set<String> REDIS =
      Set.of(
          "host",
          "port",
          "stream",
          "group",
          "consumer",
          "startFrom",
          "deadLetterStream",
          "claimIdle",
          "maxAttempts",
          "database",
          "username",
          "password",
          "tls",
          "tlsCaCertificate",
          "tlsVerifyHostname");
  private static final Set<String> KAFKA =
      Set.of(
          "bootstrapServers",
          "topic",
          "group",
          "deadLetterTopic",
          "maxAttempts",
          "clientProperties",
          "sasl");
  private static final Set<String> TASKS =
      Set.of(
          "namespace", "concurrency", "attempts", "timeToLive", "finishedRetention", "workloads");
  private static final Set<String> TASK_POD =
      Set.of(
          "podTemplate",
          "image",
          "command",
          "args",
          "env",
          "requests",
          "limits",
          "tolerations",
          "nodeSelector");
  private static final Set<String> TOLERATION = Set.of("key", "operator", "value", "effect");
  private static final Set<String> RESOURCES = Set.of("cpu", "memory");
  private static final Map<String, Boolean> START_FROM =
      Map.of("new-events", false, "whole-stream", true);
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final Set<String> secretSchemes;
  private final DemandSection demand;

  ScaleEventsSection(ConfigProblems problems, Set<String> secretSchemes) {
    super(problems);
    this.secretSchemes = secretSchemes;
    this.demand = new DemandSection(problems, secretSchemes);
  }

  Optional<ScaleEvents> scaleEvents(JsonNode demandNode) {
    if (demandNode == null || !demandNode.isObject()) {
      return Optional.empty();
    }
    JsonNode n = demandNode.get("scaleEvents");
    String p = "demand.scaleEvents";
    if (n == null || n.isNull() || !object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", SCALE_EVENTS);
    String defaultWorkload = text(n, p, "defaultWorkload").orElse("otto-agent");
    int maxPods = integer(n, p, "maxPodsPerEvent", 50, 1, 10_000);
    Optional<ScaleEvents.Redis> redis = redis(n.get("redis"), p + ".redis");
    Optional<ScaleEvents.Kafka> kafka = kafka(n.get("kafka"), p + ".kafka");
    if (!n.has("redis") && !n.has("kafka")) {
      error(
          p, "names no transport; add redis: {host: ...}, kafka: {bootstrapServers: ...} or both");
    }
    Optional<ScaleEvents.Tasks> tasks = tasks(n.get("tasks"), p + ".tasks");
    if (tasks.isPresent() && !tasks.get().workloads().containsKey(defaultWorkload)) {
      warn(
          p
              + ".defaultWorkload: '"
              + defaultWorkload
              + "' has no template in "
              + p
              + ".tasks.workloads; events without a workload will be dead-lettered");
    }
    if (errorCount() != before || tasks.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ScaleEvents(defaultWorkload, maxPods, redis, kafka, tasks.get()));
  }

  private Optional<ScaleEvents.Redis> redis(JsonNode n, String p) {
    if (n == null || n.isNull() || !object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", REDIS);
    Optional<String> host = text(n, p, "host");
    if (host.isEmpty() && !n.has("host")) {
      error(p + ".host", "is required: the Redis server's host name or address");
    }
    int port = integer(n, p, "port", 6379, 1, 65535);
    String stream = text(n, p, "stream").orElse("otto:scale:events");
    String group = text(n, p, "group").orElse("ecokube");
    Optional<String> consumer = text(n, p, "consumer");
    String start = text(n, p, "startFrom").orElse("new-events");
    if (!START_FROM.containsKey(start)) {
      error(
          p + ".startFrom",
          "'" + start + "' is not allowed; use one of " + new TreeSet<>(START_FROM.keySet()));
    }
    Optional<String> dead = text(n, p, "deadLetterStream");
    if (dead.isPresent() && dead.get().equals(stream)) {
      error(p + ".deadLetterStream", "'" + dead.get() + "' must differ from the event stream");
    }
    Optional<Duration> claimIdle = duration(n, p, "claimIdle", false);
    Optional<Integer> maxAttempts =
        n.has("maxAttempts")
            ? Optional.of(integer(n, p, "maxAttempts", 5, 1, 1000))
            : Optional.empty();
    int database = integer(n, p, "database", 0, 0, 1_000_000);
    Optional<String> user = text(n, p, "username");
    Optional<SecretRef> password =
        text(n, p, "password").flatMap(v -> secretReference(p + ".password", v, secretSchemes));
    if (user.isPresent() && !n.has("password")) {
      error(p + ".password", "is required with a username: a reference such as file:/path");
    }
    boolean tls = bool(n, p, "tls", false);
    Optional<Path> ca = text(n, p, "tlsCaCertificate").map(Path::of);
    if (ca.isPresent() && n.has("tls") && !tls) {
      error(p + ".tlsCaCertificate", "is set but tls is false; set tls: true or remove it");
    }
    boolean verify = bool(n, p, "tlsVerifyHostname", true);
    if (errorCount() != before || host.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ScaleEvents.Redis(
            host.get(),
            port,
            stream,
            group,
            consumer,
            START_FROM.get(start),
            dead,
            claimIdle,
            maxAttempts,
            database,
            user,
            password,
            tls || ca.isPresent(),
            ca,
            verify));
  }

  private Optional<ScaleEvents.Kafka> kafka(JsonNode n, String p) {
    if (n == null || n.isNull() || !object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", KAFKA);
    Optional<String> servers = text(n, p, "bootstrapServers");
    if (servers.isEmpty() && !n.has("bootstrapServers")) {
      error(p + ".bootstrapServers", "is required: host:port[,host:port...]");
    }
    servers.ifPresent(s -> demand.bootstrap(s, p + ".bootstrapServers"));
    Optional<String> topic = text(n, p, "topic");
    if (topic.isEmpty() && !n.has("topic")) {
      error(p + ".topic", "is required: the topic scale events arrive on");
    }
    String group = text(n, p, "group").orElse("ecokube-controller-tasks");
    Optional<String> dlt = text(n, p, "deadLetterTopic");
    if (dlt.isPresent() && dlt.equals(topic)) {
      error(p + ".deadLetterTopic", "'" + dlt.get() + "' must differ from the event topic");
    }
    int maxAttempts = integer(n, p, "maxAttempts", 5, 1, 1000);
    Map<String, String> props = stringMap(n.get("clientProperties"), p + ".clientProperties");
    for (String key : props.keySet()) {
      if (key.startsWith("sasl.jaas") || NodesSection.isSecretKey(key)) {
        error(
            p + ".clientProperties." + key,
            "would hold a secret inline (value not shown); use "
                + p
                + ".sasl with a password"
                + " reference, or a key store file");
      }
    }
    Optional<KafkaDemand.SaslLogin> sasl = demand.sasl(n.get("sasl"), p + ".sasl");
    if (errorCount() != before || servers.isEmpty() || topic.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new ScaleEvents.Kafka(servers.get(), topic.get(), group, dlt, maxAttempts, props, sasl));
  }

  private Optional<ScaleEvents.Tasks> tasks(JsonNode n, String p) {
    if (n == null || n.isNull()) {
      error(p, "is required: the worker pod template of each workload, under workloads");
      return Optional.empty();
    }
    if (!object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", TASKS);
    Optional<String> namespace = text(n, p, "namespace");
    namespace.ifPresent(
        ns -> {
          if (ns.length() > 63 || !DNS_LABEL.matcher(ns).matches()) {
            error(p + ".namespace", "'" + ns + "' is not a namespace name (RFC 1123 label)");
          }
        });
    int concurrency = integer(n, p, "concurrency", 50, 1, 100_000);
    int attempts = integer(n, p, "attempts", 3, 1, 100);
    Optional<Duration> ttl = duration(n, p, "timeToLive", false);
    ttl.ifPresent(
        d -> {
          if (d.getSeconds() < 1) {
            error(p + ".timeToLive", "'" + d + "' is under a second; pods count time in seconds");
          }
        });
    Duration retention = duration(n, p, "finishedRetention", false).orElse(Duration.ofHours(24));
    Map<String, ScaleEvents.TaskPod> workloads = new LinkedHashMap<>();
    JsonNode w = n.get("workloads");
    String wp = p + ".workloads";
    if (w == null || w.isNull() || (w.isObject() && w.isEmpty())) {
      error(wp, "is required: workload name -> {image: ..., requests: {cpu, memory}}");
    } else if (object(w, wp)) {
      for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        taskPod(e.getValue(), wp + "." + e.getKey()).ifPresent(t -> workloads.put(e.getKey(), t));
      }
    }
    if (errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(
        new ScaleEvents.Tasks(namespace, concurrency, attempts, ttl, retention, workloads));
  }

  private Optional<ScaleEvents.TaskPod> taskPod(JsonNode n, String p) {
    if (!object(n, p)) {
      return Optional.empty();
    }
    int before = errorCount();
    fields(n, p + ".", TASK_POD);
    Optional<String> template = text(n, p, "podTemplate");
    Optional<String> image = text(n, p, "image");
    if (template.isPresent() == image.isPresent() && !n.has("podTemplate") && !n.has("image")) {
      error(p, "needs an image (with requests) or the name of a podTemplate");
    } else if (template.isPresent() && image.isPresent()) {
      error(
          p + ".podTemplate",
          "cannot be combined with image; the PodTemplate holds the whole pod, or give image,"
              + " requests and tolerations here");
    }
    if (template.isPresent()) {
      for (String f : List.of("command", "args", "env", "requests", "limits", "tolerations")) {
        if (n.has(f)) {
          error(p + "." + f, "belongs in the PodTemplate " + template.get() + "; remove it here");
        }
      }
    }
    List<String> command = strings(n.get("command"), p + ".command");
    List<String> args = strings(n.get("args"), p + ".args");
    Map<String, String> env = stringMap(n.get("env"), p + ".env");
    for (String key : env.keySet()) {
      if (NodesSection.isSecretKey(key)) {
        error(
            p + ".env." + key,
            "would hold a secret inline (value not shown); use a podTemplate whose container"
                + " reads it from a Secret");
      }
    }
    Map<String, String> requests = resources(n.get("requests"), p + ".requests");
    Map<String, String> limits = resources(n.get("limits"), p + ".limits");
    if (image.isPresent() && template.isEmpty() && requests.isEmpty() && !n.has("requests")) {
      error(
          p + ".requests",
          "is required with an image: what one worker needs, e.g. {cpu: 500m, memory: 512Mi};"
              + " without it a waiting worker wakes no node");
    }
    List<Toleration> tolerations = tolerations(n.get("tolerations"), p + ".tolerations");
    Map<String, String> selector = stringMap(n.get("nodeSelector"), p + ".nodeSelector");
    if (errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(
        new ScaleEvents.TaskPod(
            template, image, command, args, env, requests, limits, tolerations, selector));
  }

  private List<String> strings(JsonNode n, String path) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      error(path, "expected a list of texts, got " + kind(n));
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      if (!n.get(i).isValueNode() || n.get(i).isNull()) {
        error(path + "[" + i + "]", "expected a text, got " + kind(n.get(i)));
      } else {
        out.add(n.get(i).asText());
      }
    }
    return out;
  }

  private Map<String, String> resources(JsonNode n, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull() || !object(n, path)) {
      return out;
    }
    fields(n, path + ".", RESOURCES);
    for (String r : List.of("cpu", "memory")) {
      if (n.has(r)) {
        int before = errorCount();
        quantity(n, path, r, r.equals("cpu"));
        if (errorCount() == before) {
          out.put(r, n.get(r).asText());
        }
      }
    }
    return out;
  }

  private List<Toleration> tolerations(JsonNode n, String path) {
    return objects(n, path, "{key, operator, value, effect}", TOLERATION, this::toleration);
  }

  private Optional<Toleration> toleration(JsonNode t, String tp) {
    Optional<String> key = text(t, tp, "key");
    String op = text(t, tp, "operator").orElse(key.isPresent() ? "Equal" : "Exists");
    String value = text(t, tp, "value").orElse("");
    Optional<String> effect = text(t, tp, "effect");
    boolean ok = true;
    if (!op.equals("Equal") && !op.equals("Exists")) {
      error(tp + ".operator", "'" + op + "' is not allowed; use Equal or Exists");
      ok = false;
    } else if (key.isEmpty() && op.equals("Equal")) {
      error(tp + ".key", "is required with operator Equal (Exists without a key tolerates all)");
      ok = false;
    }
    if (effect.isPresent() && !NodesSection.EFFECTS.containsKey(effect.get())) {
      error(
          tp + ".effect",
          "'"
              + effect.get()
              + "' is not an effect; use one of "
              + new TreeSet<>(NodesSection.EFFECTS.keySet()));
      ok = false;
    }
    if (!ok) {
      return Optional.empty();
    }
    return Optional.of(
        new Toleration(
            key,
            Toleration.Operator.valueOf(op.toUpperCase(Locale.ROOT)),
            value,
            effect.map(NodesSection.EFFECTS::get)));
  }
}
