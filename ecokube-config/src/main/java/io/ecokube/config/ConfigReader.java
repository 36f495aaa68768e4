package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.api.text.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads values out of a parsed config tree, recording every problem with its key path instead of
 * stopping at the first. Each section of the document extends it, so a section's code reads as the
 * rules it checks.
 */
abstract class ConfigReader {
  private final ConfigProblems problems;

  ConfigReader(ConfigProblems problems) {
    this.problems = problems;
  }

  /** Records a problem at {@code path}. */
  void error(String path, String problem) {
    problems.error(path, problem);
  }

  /** Records a warning: the document is valid but probably not what was meant. */
  void warn(String warning) {
    problems.warn(warning);
  }

  /** How many problems are recorded so far, to tell whether a step added any. */
  int errorCount() {
    return problems.count();
  }

  Map<String, String> stringMap(JsonNode n, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      // Never echo the value: it may be a pasted secret ("password=...").
      error(
          path,
          "expected a mapping of names to values, got "
              + (n.isValueNode() ? "a single value" : kind(n)));
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        error(path + "." + e.getKey(), "expected a text value, got " + kind(e.getValue()));
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  /**
   * Each mapping of a list ({@code path[i]}), its keys checked against {@code allowed}, given to
   * {@code each}; what it returns is kept. {@code shape} says what a list item looks like, for the
   * message when the value is not a list.
   */
  <T> List<T> objects(
      JsonNode n,
      String path,
      String shape,
      Set<String> allowed,
      BiFunction<JsonNode, String, Optional<T>> each) {
    List<T> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      error(path, "expected a list of " + shape + ", got " + kind(n));
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      String ip = path + "[" + i + "]";
      JsonNode item = n.get(i);
      if (object(item, ip)) {
        fields(item, ip + ".", allowed);
        each.apply(item, ip).ifPresent(out::add);
      }
    }
    return out;
  }

  boolean object(JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      error(path, "expected a mapping, got " + kind(n));
      return false;
    }
    return true;
  }

  void fields(JsonNode n, String prefix, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        error(prefix + f, "unknown field; " + Suggestions.hint(f, allowed));
      }
    }
  }

  Optional<String> text(JsonNode n, String path, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      error(path + "." + field, "expected a text value, got " + kind(v));
      return Optional.empty();
    }
    String s = v.asText().trim();
    if (s.isEmpty()) {
      error(path + "." + field, "must not be empty");
      return Optional.empty();
    }
    return Optional.of(s);
  }

  int integer(JsonNode n, String path, String field, int dflt, int min, int max) {
    Optional<String> raw = text(n, path, field);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      long v = Long.parseLong(raw.get());
      if (v < min || v > max) {
        error(
            path + "." + field, "'" + raw.get() + "' is out of range; allowed " + min + ".." + max);
        return dflt;
      }
      return (int) v;
    } catch (NumberFormatException e) {
      error(
          path + "." + field,
          "'" + raw.get() + "' is not a whole number; allowed " + min + ".." + max);
      return dflt;
    }
  }

  double number(JsonNode n, String path, String field, double dflt, double min, double max) {
    Optional<String> raw = text(n, path, field);
    if (raw.isEmpty()) {
      return dflt;
    }
    try {
      double v = Double.parseDouble(raw.get());
      if (!Double.isFinite(v) || v < min || v > max) {
        error(
            path + "." + field,
            "'" + raw.get() + "' is out of range; allowed " + fmt(min) + ".." + fmt(max));
        return dflt;
      }
      return v;
    } catch (NumberFormatException e) {
      error(path + "." + field, "'" + raw.get() + "' is not a number");
      return dflt;
    }
  }

  OptionalDouble positiveNumber(JsonNode n, String path, String field) {
    Optional<String> raw = text(n, path, field);
    if (raw.isEmpty()) {
      return OptionalDouble.empty();
    }
    try {
      double v = Double.parseDouble(raw.get());
      if (!Double.isFinite(v) || v <= 0) {
        error(path + "." + field, "'" + raw.get() + "' must be a number greater than 0");
        return OptionalDouble.empty();
      }
      return OptionalDouble.of(v);
    } catch (NumberFormatException e) {
      error(path + "." + field, "'" + raw.get() + "' must be a number greater than 0");
      return OptionalDouble.empty();
    }
  }

  Optional<Duration> duration(JsonNode n, String path, String field, boolean zeroAllowed) {
    Optional<String> raw = text(n, path, field);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> d = Durations.parse(raw.get());
    if (d.isEmpty()) {
      error(path + "." + field, "'" + raw.get() + "' is not a duration; " + Durations.HINT);
      return Optional.empty();
    }
    if (d.get().isNegative() || (!zeroAllowed && d.get().isZero())) {
      error(
          path + "." + field,
          "'" + raw.get() + "' must be " + (zeroAllowed ? "zero or positive" : "positive"));
      return Optional.empty();
    }
    return d;
  }

  boolean bool(JsonNode n, String path, String field, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    String s = v.isValueNode() ? v.asText().trim() : kind(v);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    error(path + "." + field, "'" + s + "' is not a boolean; use true or false");
    return dflt;
  }

  /**
   * The secret reference at {@code path}, or a problem that never repeats the value: a value that
   * is not a reference with one of {@code schemes} is taken for a pasted secret.
   */
  Optional<SecretRef> secretReference(String path, String value, Set<String> schemes) {
    try {
      SecretRef ref = SecretRef.parse(value);
      if (schemes.contains(ref.scheme())) {
        return Optional.of(ref);
      }
    } catch (IllegalArgumentException e) {
      // reported below, without the value
    }
    error(
        path,
        "looks like an inline secret (value not shown); write a reference instead: "
            + "file:/path/to/secret or env:VARIABLE_NAME");
    return Optional.empty();
  }

  /** A required CPU (millis) or memory (bytes) quantity in Kubernetes notation. */
  long quantity(JsonNode n, String path, String field, boolean cpu) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      error(path + "." + field, "is required");
      return 0;
    }
    if (!v.isValueNode()) {
      error(path + "." + field, "expected a quantity, got " + kind(v));
      return 0;
    }
    String raw = v.asText();
    OptionalLong parsed = cpu ? Quantities.cpuMillis(raw) : Quantities.bytes(raw);
    if (parsed.isEmpty()) {
      error(
          path + "." + field,
          "'"
              + raw
              + "' is not a "
              + (cpu ? "CPU" : "memory")
              + " quantity; "
              + (cpu ? Quantities.cpuHint() : Quantities.memoryHint()));
      return 0;
    }
    return parsed.getAsLong();
  }

  static String kind(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    return "'" + n.asText() + "'";
  }

  static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
