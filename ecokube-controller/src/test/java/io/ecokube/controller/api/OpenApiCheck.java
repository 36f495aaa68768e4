package io.ecokube.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks an answer against the served OpenAPI document: the path and method exist, the status is
 * documented, the media type is the documented one, and the body matches the schema (the subset of
 * JSON Schema the document uses: $ref, type, properties, required, additionalProperties, items,
 * enum, oneOf, minItems, maxItems, format date-time).
 */
final class OpenApiCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final JsonNode doc;

  OpenApiCheck() {
    try (InputStream in = EcoKubeApi.class.getResourceAsStream("openapi.json")) {
      doc = JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The problems found; empty when the answer matches the document. */
  List<String> problems(String method, String path, int status, String contentType, String body) {
    List<String> out = new ArrayList<>();
    JsonNode op = operation(path, method.toLowerCase(java.util.Locale.ROOT));
    if (op == null && status == 405 && operation(path, "get") != null) {
      // A method the path does not take: the answer is a documented problem.
      op = operation(path, "get");
    }
    if (op == null && status == 404) {
      // A path the API does not have: the answer must still be a problem document.
      if (!contentType.startsWith("application/problem+json")) {
        out.add(path + ": 404 is not a problem document");
        return out;
      }
      try {
        validate(doc.at("/components/schemas/Problem"), JSON.readTree(body), "$", out);
      } catch (IOException e) {
        out.add("body is not JSON: " + e.getMessage());
      }
      return out;
    }
    if (op == null) {
      out.add(method + " " + path + " is not in the document");
      return out;
    }
    JsonNode resp = op.path("responses").get(Integer.toString(status));
    if (resp == null) {
      out.add(method + " " + path + ": status " + status + " is not documented");
      return out;
    }
    String type = contentType.split(";")[0].trim();
    JsonNode media = resp.path("content").get(type);
    if (media == null) {
      out.add(method + " " + path + " " + status + ": media type " + type + " is not documented");
      return out;
    }
    JsonNode value;
    try {
      value = JSON.readTree(body);
    } catch (IOException e) {
      out.add("body is not JSON: " + e.getMessage());
      return out;
    }
    validate(media.get("schema"), value, "$", out);
    return out;
  }

  private JsonNode operation(String path, String method) {
    for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String regex = e.getKey().replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\.");
      if (path.matches(regex)) {
        return e.getValue().get(method);
      }
    }
    return null;
  }

  private JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      schema = doc.at(ref.substring(1));
    }
    return schema;
  }

  private void validate(JsonNode schema, JsonNode v, String at, List<String> out) {
    schema = resolve(schema);
    if (schema.has("oneOf")) {
      int matches = 0;
      for (JsonNode alt : schema.get("oneOf")) {
        List<String> p = new ArrayList<>();
        validate(alt, v, at, p);
        if (p.isEmpty()) {
          matches++;
        }
      }
      if (matches != 1) {
        out.add(at + ": matches " + matches + " of oneOf, not exactly one");
      }
      return;
    }
    if (schema.has("type") && !typeMatches(schema.get("type"), v)) {
      out.add(at + ": " + v.getNodeType() + " is not of type " + schema.get("type"));
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(v);
      }
      if (!found) {
        out.add(at + ": " + v + " is not one of " + schema.get("enum"));
      }
    }
    if (v.isTextual() && "date-time".equals(schema.path("format").asText())) {
      try {
        Instant.parse(v.asText());
      } catch (DateTimeParseException e) {
        out.add(at + ": '" + v.asText() + "' is not a date-time");
      }
    }
    if (v.isObject()) {
      for (JsonNode r : schema.path("required")) {
        if (!v.has(r.asText())) {
          out.add(at + ": required property '" + r.asText() + "' is missing");
        }
      }
      JsonNode props = schema.path("properties");
      JsonNode extra = schema.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (props.has(f.getKey())) {
          validate(props.get(f.getKey()), f.getValue(), at + "." + f.getKey(), out);
        } else if (extra != null && extra.isBoolean() && !extra.asBoolean()) {
          out.add(at + ": property '" + f.getKey() + "' is not in the schema");
        } else if (extra != null && extra.isObject()) {
          validate(extra, f.getValue(), at + "." + f.getKey(), out);
        }
      }
    }
    if (v.isArray()) {
      if (schema.has("minItems") && v.size() < schema.get("minItems").asInt()) {
        out.add(at + ": fewer than " + schema.get("minItems") + " items");
      }
      if (schema.has("maxItems") && v.size() > schema.get("maxItems").asInt()) {
        out.add(at + ": more than " + schema.get("maxItems") + " items");
      }
      if (schema.has("items")) {
        for (int i = 0; i < v.size(); i++) {
          validate(schema.get("items"), v.get(i), at + "[" + i + "]", out);
        }
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode v) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, v)) {
          return true;
        }
      }
      return false;
    }
    return switch (type.asText()) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "number" -> v.isNumber();
      case "integer" -> v.isIntegralNumber();
      case "boolean" -> v.isBoolean();
      case "null" -> v.isNull();
      default -> false;
    };
  }
}
