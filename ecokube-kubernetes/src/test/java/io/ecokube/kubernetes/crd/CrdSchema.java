package io.ecokube.kubernetes.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version's {@code openAPIV3Schema} of a CustomResourceDefinition, checked the way the API
 * server checks an object: the structural schema (as JSON Schema draft 4, which is what OpenAPI 3.0
 * schemas are, with unknown fields refused as {@code kubectl}'s strict field validation does) and
 * then every {@code x-kubernetes-validations} CEL rule, evaluated with {@code self} bound to the
 * value at the rule's place (an object's rule once per array element or map value below it).
 */
final class CrdSchema {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .setResultType(SimpleType.BOOL)
          .build();

  final JsonNode crd;
  private final JsonNode schema;
  private final JsonSchema validator;

  private CrdSchema(JsonNode crd) {
    this.crd = crd;
    this.schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (schema.isMissingNode()) {
      throw new IllegalArgumentException("no openAPIV3Schema in " + crd.at("/metadata/name"));
    }
    JsonNode strict = schema.deepCopy();
    strict(strict, true);
    this.validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
  }

  static CrdSchema load(Path file) throws IOException {
    return new CrdSchema(YAML.readTree(file.toFile()));
  }

  /** The API server prunes unknown fields; kubectl (strict field validation) refuses them. */
  private static void strict(JsonNode s, boolean root) {
    if (!s.isObject()) {
      return;
    }
    ObjectNode o = (ObjectNode) s;
    JsonNode props = o.get("properties");
    if (props != null
        && !o.has("additionalProperties")
        && !o.has("x-kubernetes-preserve-unknown-fields")) {
      o.put("additionalProperties", false);
    }
    if (props != null) {
      // metadata is the API server's (labels, annotations, ...), not the schema's to restrict.
      props
          .fields()
          .forEachRemaining(
              e -> {
                if (!(root && e.getKey().equals("metadata"))) {
                  strict(e.getValue(), false);
                }
              });
    }
    if (o.has("items")) {
      strict(o.get("items"), false);
    }
    if (o.get("additionalProperties") != null && o.get("additionalProperties").isObject()) {
      strict(o.get("additionalProperties"), false);
    }
  }

  /** Every problem the API server would report for the object; empty when it is accepted. */
  List<String> problems(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : validator.validate(object)) {
      out.add(m.getMessage());
    }
    if (out.isEmpty()) {
      cel(schema, object, "", out);
    }
    return out;
  }

  private static void cel(JsonNode s, JsonNode value, String path, List<String> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    JsonNode rules = s.get("x-kubernetes-validations");
    if (rules != null) {
      Object self = toCel(s, value);
      for (JsonNode r : rules) {
        String rule = r.get("rule").asText();
        if (!evaluate(rule, self)) {
          out.add((path.isEmpty() ? "<root>" : path) + ": " + r.get("message").asText());
        }
      }
    }
    JsonNode props = s.get("properties");
    if (props != null && value.isObject()) {
      props
          .fields()
          .forEachRemaining(
              e -> cel(e.getValue(), value.get(e.getKey()), path + "." + e.getKey(), out));
    }
    if (s.has("items") && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        cel(s.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
    JsonNode ap = s.get("additionalProperties");
    if (ap != null && ap.isObject() && value.isObject()) {
      value.fields().forEachRemaining(e -> cel(ap, e.getValue(), path + "." + e.getKey(), out));
    }
  }

  static boolean evaluate(String rule, Object self) {
    try {
      CelAbstractSyntaxTree ast = CEL.compile(rule).getAst();
      Object result = CEL.createProgram(ast).eval(Map.of("self", self));
      return Boolean.TRUE.equals(result);
    } catch (CelValidationException e) {
      throw new AssertionError("rule does not compile: " + rule + ": " + e.getMessage(), e);
    } catch (CelEvaluationException e) {
      throw new AssertionError("rule fails to evaluate: " + rule + ": " + e.getMessage(), e);
    }
  }

  /**
   * The value as CEL sees it in Kubernetes: {@code integer} fields are int, {@code number} fields
   * double (even when written without a fraction), objects and maps are maps, arrays lists.
   */
  static Object toCel(JsonNode s, JsonNode v) {
    String type = s == null || !s.has("type") ? "" : s.get("type").asText();
    if (v.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      JsonNode props = s == null ? null : s.get("properties");
      JsonNode ap = s == null ? null : s.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode sub =
            props != null && props.has(e.getKey())
                ? props.get(e.getKey())
                : (ap != null && ap.isObject() ? ap : null);
        m.put(e.getKey(), toCel(sub, e.getValue()));
      }
      return m;
    }
    if (v.isArray()) {
      List<Object> l = new ArrayList<>();
      v.forEach(x -> l.add(toCel(s == null ? null : s.get("items"), x)));
      return l;
    }
    if (type.equals("number")) {
      return v.asDouble();
    }
    if (type.equals("integer") || (type.isEmpty() && v.isIntegralNumber())) {
      return v.asLong();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    return v.asText();
  }
}
