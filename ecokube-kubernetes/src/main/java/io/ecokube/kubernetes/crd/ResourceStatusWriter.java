package io.ecokube.kubernetes.crd;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.time.Clock;
import io.ecokube.kubernetes.ApiErrors;
import io.ecokube.kubernetes.rbac.KubernetesAccess;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.util.PatchUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a custom resource's {@code status} subresource with a JSON Patch: the given fields, {@code
 * observedGeneration} (the generation the status describes) and the conditions, each with its
 * {@code lastTransitionTime} kept from the current status while its status stays the same. Nothing
 * is written when the status would not change, so a steady cluster costs no API calls.
 */
@KubernetesAccess(
    group = "ecokube.io",
    resources = {"nodepools/status", "powerpolicies/status", "costpolicies/status"},
    verbs = "patch")
public final class ResourceStatusWriter {
  private final ApiClient client;
  private final CustomObjectsApi api;
  private final Clock clock;

  /** A writer through the given client; {@code clock} stamps condition transitions. */
  public ResourceStatusWriter(ApiClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.api = new CustomObjectsApi(client);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Conditions whose status changed with a write (or that are new), for Events.
   *
   * @param condition the condition as now written
   * @param first whether the resource had no such condition before
   */
  public record Transition(Condition condition, boolean first) {}

  /**
   * Brings the status to the given fields and conditions.
   *
   * @param resource the resource as cached (its status is what is compared against)
   * @param fields status fields besides conditions and observedGeneration: numbers, texts, booleans
   * @param conditions every condition the status should hold
   * @return the conditions that changed status; empty when nothing changed or nothing was written
   * @throws ActuatorException when the API server refused the patch or could not be reached
   */
  public List<Transition> write(
      CustomResource resource, Map<String, Object> fields, List<Condition> conditions)
      throws ActuatorException {
    JsonObject current = JsonParser.parseString(resource.statusJson()).getAsJsonObject();
    Map<String, JsonObject> before = new HashMap<>();
    JsonElement cs = current.get("conditions");
    if (cs != null && cs.isJsonArray()) {
      for (JsonElement c : cs.getAsJsonArray()) {
        if (c.isJsonObject() && c.getAsJsonObject().has("type")) {
          before.put(c.getAsJsonObject().get("type").getAsString(), c.getAsJsonObject());
        }
      }
    }
    JsonObject status = new JsonObject();
    fields.forEach((k, v) -> status.add(k, json(v)));
    status.addProperty("observedGeneration", resource.generation());
    String now = clock.now().toString();
    JsonArray list = new JsonArray();
    List<Transition> transitions = new ArrayList<>();
    for (Condition c : conditions) {
      JsonObject old = before.get(c.type());
      boolean same = old != null && c.statusText().equals(text(old, "status"));
      JsonObject o = new JsonObject();
      o.addProperty("type", c.type());
      o.addProperty("status", c.statusText());
      o.addProperty("observedGeneration", resource.generation());
      o.addProperty(
          "lastTransitionTime",
          same && old.has("lastTransitionTime") ? text(old, "lastTransitionTime") : now);
      o.addProperty("reason", c.reason());
      o.addProperty("message", c.message());
      list.add(o);
      if (!same) {
        transitions.add(new Transition(c, old == null));
      }
    }
    status.add("conditions", list);
    if (sameStatus(current, status)) {
      return List.of();
    }
    // The whole status in one JSON Patch operation: a JSON merge patch would have to spell out
    // removed fields, and some servers merge the conditions list instead of replacing it.
    JsonArray patch = new JsonArray();
    JsonObject op = new JsonObject();
    op.addProperty("op", "add");
    op.addProperty("path", "/status");
    op.add("value", status);
    patch.add(op);
    try {
      PatchUtils.patch(
          Object.class,
          () ->
              api.patchNamespacedCustomObjectStatus(
                      ResourceKind.GROUP,
                      ResourceKind.VERSION,
                      resource.namespace(),
                      resource.kind().plural(),
                      resource.name(),
                      new V1Patch(patch.toString()))
                  .buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_PATCH,
          client);
    } catch (ApiException e) {
      throw ApiErrors.actuator("writing the status of " + resource.describe(), e);
    }
    return transitions;
  }

  private static boolean sameStatus(JsonObject current, JsonObject next) {
    JsonObject a = current.deepCopy();
    // Numbers read back may be written as 3 or 3.0: compare as numbers.
    return normalise(a).equals(normalise(next.deepCopy()));
  }

  private static JsonElement normalise(JsonElement e) {
    if (e.isJsonObject()) {
      JsonObject o = new JsonObject();
      e.getAsJsonObject().entrySet().forEach(x -> o.add(x.getKey(), normalise(x.getValue())));
      return o;
    }
    if (e.isJsonArray()) {
      JsonArray a = new JsonArray();
      e.getAsJsonArray().forEach(x -> a.add(normalise(x)));
      return a;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      return new com.google.gson.JsonPrimitive(e.getAsDouble());
    }
    return e;
  }

  private static String text(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? "" : e.getAsString();
  }

  private static JsonElement json(Object v) {
    if (v == null) {
      return com.google.gson.JsonNull.INSTANCE;
    }
    if (v instanceof Number n) {
      return new com.google.gson.JsonPrimitive(n);
    }
    if (v instanceof Boolean b) {
      return new com.google.gson.JsonPrimitive(b);
    }
    return new com.google.gson.JsonPrimitive(v.toString());
  }
}
