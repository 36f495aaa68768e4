package io.ecokube.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON form of a {@link NodeRecord} kept in the {@code ecokube.io/power-state} annotation:
 * {@code {"state":"OFF","since":"...","powerOns":["..."],"lastPoweredOff":"...","attempts":0,
 * "driverIndex":0,"lastError":"..."}}. Field {@code v} carries the format version.
 */
public final class NodeRecordJson {
  private static final int VERSION = 1;

  private NodeRecordJson() {}

  /** Encodes a record. */
  public static String encode(NodeRecord r) {
    JsonObject o = new JsonObject();
    o.addProperty("v", VERSION);
    o.addProperty("state", r.state().name());
    o.addProperty("since", r.since().toString());
    JsonArray ons = new JsonArray();
    r.powerOns().forEach(i -> ons.add(i.toString()));
    o.add("powerOns", ons);
    r.lastPoweredOff().ifPresent(i -> o.addProperty("lastPoweredOff", i.toString()));
    o.addProperty("attempts", r.attempts());
    o.addProperty("driverIndex", r.driverIndex());
    r.lastError().ifPresent(e -> o.addProperty("lastError", e));
    return o.toString();
  }

  /**
   * Decodes a record.
   *
   * @throws IllegalArgumentException naming the field when the text is not a valid record
   */
  public static NodeRecord decode(String json) {
    JsonObject o;
    try {
      o = JsonParser.parseString(json).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    String field = "state";
    try {
      NodeLifecycle state = NodeLifecycle.valueOf(o.get("state").getAsString());
      field = "since";
      Instant since = Instant.parse(o.get("since").getAsString());
      field = "powerOns";
      List<Instant> ons = new ArrayList<>();
      if (o.has("powerOns")) {
        for (JsonElement e : o.getAsJsonArray("powerOns")) {
          ons.add(Instant.parse(e.getAsString()));
        }
      }
      field = "lastPoweredOff";
      Optional<Instant> off =
          o.has("lastPoweredOff")
              ? Optional.of(Instant.parse(o.get("lastPoweredOff").getAsString()))
              : Optional.empty();
      field = "attempts";
      int attempts = o.has("attempts") ? o.get("attempts").getAsInt() : 0;
      field = "driverIndex";
      int driverIndex = o.has("driverIndex") ? o.get("driverIndex").getAsInt() : 0;
      field = "lastError";
      Optional<String> err =
          o.has("lastError") ? Optional.of(o.get("lastError").getAsString()) : Optional.empty();
      return new NodeRecord(state, since, ons, off, attempts, driverIndex, err);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "field '" + field + "' is missing or invalid (" + e.getMessage() + ")", e);
    }
  }
}
