package io.ecokube.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.cluster.ClusterActuator;
import io.ecokube.api.cluster.DrainResult;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.time.Backoff;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1DeleteOptions;
import io.kubernetes.client.openapi.models.V1Eviction;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.openapi.models.V1Taint;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cordons, uncordons, drains and marks Nodes through the Kubernetes API.
 *
 * <ul>
 *   <li>Cordon and uncordon: a JSON merge patch on {@code spec.unschedulable}.
 *   <li>Drain: a policy/v1 Eviction for each workload pod on the node (DaemonSet, mirror and
 *       finished pods stay), so PodDisruptionBudgets are honoured. A 429 (the budget allows no
 *       disruption now) is retried with exponential backoff until the drain timeout; then the drain
 *       reports what is left and stops (the engine uncordons). A pod that must not be evicted
 *       ({@link PodInfo#evictionBlocker()}) stops the drain before anything is evicted.
 *   <li>Powered-off mark: taint {@code ecokube.io/powered-off:NoSchedule} and annotation {@code
 *       ecokube.io/powered-off-at}.
 * </ul>
 *
 * Pods on a node are read from the {@link KubernetesClusterView}'s cache for a drain, and from the
 * API server for the last look before the powered-off mark.
 */
@KubernetesAccess(
    resources = "nodes",
    verbs = {"get", "patch"})
@KubernetesAccess(resources = "pods", verbs = "list")
@KubernetesAccess(resources = "pods/eviction", verbs = "create")
public final class KubernetesActuator implements ClusterActuator {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesActuator.class);

  private final ApiClient client;
  private final CoreV1Api core;
  private final KubernetesClusterView view;
  private final Clock clock;
  private final Backoff backoff;
  private final Sleeper sleeper;

  /**
   * Creates an actuator.
   *
   * @param client the API client
   * @param view the cluster view whose pod cache tells which pods are on a node
   * @param clock the clock for drain deadlines and annotations
   * @param initialBackoff first wait after an eviction was refused (429); doubles up to maxBackoff
   * @param maxBackoff longest wait between eviction attempts
   */
  public KubernetesActuator(
      ApiClient client,
      KubernetesClusterView view,
      Clock clock,
      Duration initialBackoff,
      Duration maxBackoff) {
    this(client, view, clock, initialBackoff, maxBackoff, Sleeper.system());
  }

  KubernetesActuator(
      ApiClient client,
      KubernetesClusterView view,
      Clock clock,
      Duration initialBackoff,
      Duration maxBackoff,
      Sleeper sleeper) {
    this.client = Objects.requireNonNull(client, "client");
    this.core = new CoreV1Api(client);
    this.view = Objects.requireNonNull(view, "view");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      this.backoff = Backoff.exponential(initialBackoff, maxBackoff);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("eviction " + e.getMessage(), e);
    }
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  @Override
  public void cordon(String node) throws ActuatorException {
    patchNode(node, "{\"spec\":{\"unschedulable\":true}}", "cordon node " + node);
  }

  @Override
  public void uncordon(String node) throws ActuatorException {
    patchNode(node, "{\"spec\":{\"unschedulable\":null}}", "uncordon node " + node);
  }

  @Override
  public DrainResult drain(String node, Duration timeout) throws ActuatorException {
    Instant deadline = clock.now().plus(timeout);
    List<V1Pod> workload = workloadPods(node);
    List<String> blocked = new ArrayList<>();
    for (V1Pod p : workload) {
      PodInfo info = PodClassifier.classify(p, view.coveredByPdb(p));
      info.evictionBlocker().ifPresent(b -> blocked.add(info.key() + ": " + b));
    }
    if (!blocked.isEmpty()) {
      return new DrainResult(
          false,
          workload.stream().map(KubernetesActuator::key).toList(),
          "not drained, nothing evicted: " + String.join("; ", blocked));
    }
    Map<String, V1Pod> toEvict = new LinkedHashMap<>();
    workload.forEach(p -> toEvict.put(key(p), p));
    int refusedRounds = 0;
    String lastRefusal = "";
    while (true) {
      for (var it = toEvict.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        int code = evict(e.getValue());
        if (code == 200 || code == 201 || code == 404) {
          it.remove();
        } else {
          lastRefusal = e.getKey() + " refused (HTTP " + code + ")";
        }
      }
      List<String> remaining = workloadPods(node).stream().map(KubernetesActuator::key).toList();
      if (remaining.isEmpty()) {
        LOG.info("node {} drained", node);
        return DrainResult.completed();
      }
      Instant now = clock.now();
      if (!now.isBefore(deadline)) {
        String why =
            toEvict.isEmpty()
                ? "evicted pods had not terminated by the drain timeout " + timeout
                : "eviction refused until the drain timeout "
                    + timeout
                    + " (PodDisruptionBudget?): "
                    + lastRefusal;
        return new DrainResult(false, remaining, why);
      }
      // Refused evictions back off; evicted pods that are still terminating are checked often.
      Duration wait = backoff.delay(toEvict.isEmpty() ? 0 : refusedRounds);
      Duration left = Duration.between(now, deadline);
      if (wait.compareTo(left) > 0) {
        wait = left;
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return new DrainResult(false, remaining, "drain interrupted (controller stopping)");
      }
      if (!toEvict.isEmpty()) {
        refusedRounds++;
      }
    }
  }

  /** Posts an Eviction and returns the HTTP status (0 when the server was not reached). */
  private int evict(V1Pod pod) throws ActuatorException {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    V1Eviction eviction =
        new V1Eviction()
            .apiVersion("policy/v1")
            .kind("Eviction")
            .metadata(new V1ObjectMeta().name(name).namespace(ns))
            .deleteOptions(new V1DeleteOptions());
    try (Response r =
        core.createNamespacedPodEviction(name, ns, eviction).buildCall(null).execute()) {
      int code = r.code();
      if (code == 403) {
        throw new ActuatorException(
            "evicting pod "
                + ns
                + "/"
                + name
                + " failed: HTTP 403 forbidden; grant 'create' on pods/eviction in the ClusterRole");
      }
      return code;
    } catch (ApiException e) {
      throw ApiErrors.actuator("evicting pod " + ns + "/" + name, e);
    } catch (IOException e) {
      LOG.warn("eviction of {}/{} did not reach the API server: {}", ns, name, e.toString());
      return 0;
    }
  }

  private List<V1Pod> workloadPods(String node) {
    List<V1Pod> out = new ArrayList<>();
    for (V1Pod p : view.podsOnNode(node)) {
      PodInfo info = PodClassifier.classify(p, false);
      if (info.kind().countsAsWork() && info.phase().active()) {
        out.add(p);
      }
    }
    return out;
  }

  private static String key(V1Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Marking is the engine's last step before a driver powers the node off, so it is also the
   * last look: once the taint is on (no new pod without a toleration for it is bound from then on),
   * the node's pods are listed from the API server, not the cache, and the mark is refused and
   * taken off again when a workload pod is bound to the node or a pending pod tolerates every taint
   * and could still land on it. DaemonSet and mirror pods do not count.
   */
  @Override
  public void markPoweredOff(String node, boolean poweredOff) throws ActuatorException {
    writeMark(node, poweredOff);
    if (!poweredOff) {
      return;
    }
    List<String> busy;
    try {
      busy = lastLook(node);
    } catch (ActuatorException e) {
      // No power-off follows a failed mark: the taint must not stay and keep pods off for ever.
      try {
        writeMark(node, false);
      } catch (ActuatorException again) {
        throw new ActuatorException(
            e.getMessage() + "; clearing the mark again also failed: " + again.getMessage(), e);
      }
      throw e;
    }
    if (busy.isEmpty()) {
      return;
    }
    String why =
        "power-off of node "
            + node
            + " refused, it is not empty any more: "
            + String.join("; ", busy);
    try {
      writeMark(node, false);
    } catch (ActuatorException e) {
      throw new ActuatorException(why + "; clearing the mark again also failed: " + e.getMessage());
    }
    throw new ActuatorException(why);
  }

  private List<String> lastLook(String node) throws ActuatorException {
    V1PodList pods;
    try {
      // Every pod, pending ones included; a power-off is rare enough to afford one full list.
      pods = core.listPodForAllNamespaces().execute();
    } catch (ApiException e) {
      throw ApiErrors.actuator("list pods for the last look at node " + node, e);
    }
    List<String> out = new ArrayList<>();
    for (V1Pod p : pods.getItems()) {
      PodInfo info = PodClassifier.classify(p, false);
      if (!info.kind().countsAsWork() || !info.phase().active()) {
        continue;
      }
      Optional<String> bound = info.node();
      if (bound.isPresent() && bound.get().equals(node)) {
        out.add(info.key() + " is bound to it");
      } else if (bound.isEmpty() && toleratesOurTaints(info)) {
        out.add(info.key() + " is pending and tolerates every taint, so it could land there");
      }
    }
    return out;
  }

  private static boolean toleratesOurTaints(PodInfo p) {
    List<Taint> ours =
        List.of(
            new Taint(EcoKubeKeys.POWERED_OFF_TAINT, "true", TaintEffect.NO_SCHEDULE),
            new Taint("node.kubernetes.io/unschedulable", "", TaintEffect.NO_SCHEDULE));
    return ours.stream()
        .allMatch(t -> p.scheduling().tolerations().stream().anyMatch(tol -> tol.tolerates(t)));
  }

  private void writeMark(String node, boolean poweredOff) throws ActuatorException {
    String what = (poweredOff ? "mark node " : "clear the powered-off mark of node ") + node;
    V1Node current;
    try {
      current = core.readNode(node).execute();
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
    List<V1Taint> taints =
        current.getSpec() == null || current.getSpec().getTaints() == null
            ? new ArrayList<>()
            : new ArrayList<>(current.getSpec().getTaints());
    boolean has = taints.stream().anyMatch(t -> EcoKubeKeys.POWERED_OFF_TAINT.equals(t.getKey()));
    taints.removeIf(t -> EcoKubeKeys.POWERED_OFF_TAINT.equals(t.getKey()));
    if (poweredOff) {
      taints.add(
          new V1Taint().key(EcoKubeKeys.POWERED_OFF_TAINT).value("true").effect("NoSchedule"));
    }
    // A JSON patch whose first op tests the resourceVersion: the taint list is replaced whole, so
    // a concurrent change to it must make this patch fail (422) rather than be overwritten.
    JsonArray ops = new JsonArray();
    ops.add(op("test", "/metadata/resourceVersion", new JsonPrimitive(rv(current))));
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    String annotationPath = "/metadata/annotations/" + escape(EcoKubeKeys.POWERED_OFF_AT);
    if (poweredOff && !has) {
      if (annotations == null) {
        ops.add(op("add", "/metadata/annotations", new JsonObject()));
      }
      ops.add(op("add", annotationPath, new JsonPrimitive(clock.now().toString())));
    } else if (!poweredOff
        && annotations != null
        && annotations.containsKey(EcoKubeKeys.POWERED_OFF_AT)) {
      ops.add(op("remove", annotationPath, null));
    }
    if (current.getSpec() == null) {
      ops.add(op("add", "/spec", new JsonObject()));
    }
    JsonArray arr = new JsonArray();
    for (V1Taint t : taints) {
      JsonObject o = new JsonObject();
      o.addProperty("key", t.getKey());
      if (t.getValue() != null) {
        o.addProperty("value", t.getValue());
      }
      o.addProperty("effect", t.getEffect());
      if (t.getTimeAdded() != null) {
        o.addProperty("timeAdded", t.getTimeAdded().toString());
      }
      arr.add(o);
    }
    ops.add(op("add", "/spec/taints", arr));
    try {
      PatchUtils.patch(
          V1Node.class,
          () -> core.patchNode(node, new V1Patch(ops.toString())).buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_PATCH,
          client);
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
  }

  private static String rv(V1Node n) {
    String rv = n.getMetadata().getResourceVersion();
    return rv == null ? "" : rv;
  }

  private static JsonObject op(String op, String path, JsonElement value) {
    JsonObject o = new JsonObject();
    o.addProperty("op", op);
    o.addProperty("path", path);
    if (value != null) {
      o.add("value", value);
    }
    return o;
  }

  /** JSON Pointer escaping (RFC 6901) of one path segment. */
  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }

  private void patchNode(String node, String mergePatch, String what) throws ActuatorException {
    try {
      NodePatch.merge(client, core, node, mergePatch);
    } catch (ApiException e) {
      throw ApiErrors.actuator(what, e);
    }
  }
}
