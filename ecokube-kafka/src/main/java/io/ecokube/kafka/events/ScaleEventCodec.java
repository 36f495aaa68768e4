package io.ecokube.kafka.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.demand.MalformedScaleEventException;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The JSON form of a scale event: one object whose members are the fields {@link ScaleEventDecoder}
 * reads, so Kafka and Redis Streams events decode alike: {@code
 * {"type":"scale_up","workload":"...","podCount":3,"taskId":"..."}} or the Ottoscaler shape {@code
 * {"type":"scale_up","pod_count":3,"task_id":"task-123"}} (the default workload then applies).
 * Numbers may be JSON numbers or strings. Other members are kept as the event's attributes (nested
 * values as their JSON text). A duplicate key, trailing data after the object, or a {@code null} or
 * nested value in a known field is malformed, never silently resolved.
 */
public final class ScaleEventCodec {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final int MAX_BYTES = 64 * 1024;
  private static final Set<String> KNOWN =
      Set.of(
          ScaleEventDecoder.TYPE,
          ScaleEventDecoder.WORKLOAD,
          ScaleEventDecoder.POD_COUNT,
          ScaleEventDecoder.POD_COUNT_SNAKE,
          ScaleEventDecoder.TASK_ID,
          ScaleEventDecoder.TASK_ID_SNAKE);

  private final ScaleEventDecoder decoder;

  /** A codec whose events are decoded (default workload, pod-count bound) by {@code decoder}. */
  public ScaleEventCodec(ScaleEventDecoder decoder) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  /** Reads an event, or says precisely what is wrong with the record. */
  public ScaleEvent parse(byte[] value) throws MalformedScaleEventException {
    return decoder.decode(fields(value));
  }

  /** The members of the record's JSON object as text, strictly parsed. */
  static Map<String, String> fields(byte[] value) throws MalformedScaleEventException {
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
    Map<String, String> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      String name = m.getKey();
      JsonNode v = m.getValue();
      if (KNOWN.contains(name) && (v.isNull() || v.isContainerNode())) {
        throw new MalformedScaleEventException(
            name, name + " must be a string or a number, got " + v);
      }
      fields.put(name, v.isValueNode() ? v.asText() : v.toString());
    }
    return fields;
  }

  /** Writes an event in the JSON form {@link #parse} reads, attributes included. */
  public static byte[] toJson(ScaleEvent event) {
    ObjectNode node = JSON.createObjectNode();
    node.put(ScaleEventDecoder.TYPE, event.type().name().toLowerCase(Locale.ROOT));
    node.put(ScaleEventDecoder.WORKLOAD, event.workload());
    node.put(ScaleEventDecoder.POD_COUNT, event.podCount());
    node.put(ScaleEventDecoder.TASK_ID, event.taskId());
    event.attributes().forEach(node::put);
    try {
      return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a scale event as JSON", e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
