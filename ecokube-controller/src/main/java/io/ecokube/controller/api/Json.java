package io.ecokube.controller.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out of the API: ordered maps out, trees in. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  /** An ordered object from key, value, key, value... */
  static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses a request body; a malformed one is a problem naming the body. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiProblem.badParameter("body", "the request needs a JSON body");
    }
    try {
      return MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApiProblem.badParameter(
          "body",
          "the body is not valid JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
  }

  /** Rounds for output: figures are measurements, not 17-digit truths. */
  static double round(double v) {
    if (!Double.isFinite(v)) {
      return 0;
    }
    return Math.round(v * 1e6) / 1e6;
  }
}
