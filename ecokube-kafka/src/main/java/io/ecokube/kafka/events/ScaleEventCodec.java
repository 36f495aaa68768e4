package io.ecokube.kafka.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.demand.ScaleEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The JSON form of a scale event: {@code {"type":"scale_up"|"scale_down","workload":"...",
 * "podCount":3,"taskId":"..."}}. {@code pod_count} and {@code task_id} are accepted as well, the
 * spelling of the event-driven scaler that Eco-Kube replaces. Unknown fields are ignored, so
 * producers may add their own.
 */
public final class ScaleEventCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BYTES = 64 * 1024;

  private ScaleEventCodec() {}

  /** Reads an event, or says precisely what is wrong with the record. */
  public static ScaleEvent parse(byte[] value) throws MalformedScaleEventException {
    if (value == null || value.length == 0) {
      throw new MalformedScaleEventException("empty record value; expected a JSON object");
    }
    if (value.length > MAX_BYTES) {
      throw new MalformedScaleEventException(
          "record value is " + value.length + " bytes; a scale event is at most " + MAX_BYTES);
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (IOException e) {
      throw new MalformedScaleEventException("not JSON: " + firstLine(e.getMessage()), e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedScaleEventException(
          "expected a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    ScaleEvent.Type type = type(root.get("type"));
    String workload = text(root, "workload");
    String taskId = text(root, root.has("taskId") ? "taskId" : "task_id");
    JsonNode count = root.has("podCount") ? root.get("podCount") : root.get("pod_count");
    if (count == null || !count.isIntegralNumber() || !count.canConvertToInt()) {
      throw new MalformedScaleEventException(
          "podCount must be a whole number > 0, got " + (count == null ? "nothing" : count));
    }
    if (count.intValue() <= 0) {
      throw new MalformedScaleEventException("podCount must be > 0, got " + count.intValue());
    }
    return new ScaleEvent(type, workload, count.intValue(), taskId);
  }

  /** Writes an event in the JSON form {@link #parse} reads. */
  public static byte[] toJson(ScaleEvent event) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", event.type().name().toLowerCase(Locale.ROOT));
    node.put("workload", event.workload());
    node.put("podCount", event.podCount());
    node.put("taskId", event.taskId());
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a scale event as JSON", e);
    }
  }

  private static ScaleEvent.Type type(JsonNode node) throws MalformedScaleEventException {
    if (node == null || !node.isTextual()) {
      throw new MalformedScaleEventException(
          "type must be \"scale_up\" or \"scale_down\", got " + (node == null ? "nothing" : node));
    }
    switch (node.asText()) {
      case "scale_up":
        return ScaleEvent.Type.SCALE_UP;
      case "scale_down":
        return ScaleEvent.Type.SCALE_DOWN;
      default:
        throw new MalformedScaleEventException(
            "type must be \"scale_up\" or \"scale_down\", got \"" + node.asText() + "\"");
    }
  }

  private static String text(JsonNode root, String field) throws MalformedScaleEventException {
    JsonNode node = root.get(field);
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      throw new MalformedScaleEventException(
          field + " must be a non-blank string, got " + (node == null ? "nothing" : node));
    }
    return node.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
