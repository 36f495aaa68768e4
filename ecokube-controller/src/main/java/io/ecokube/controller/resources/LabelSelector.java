package io.ecokube.controller.resources;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Label selectors as the API defines them (matchLabels and matchExpressions, all must hold). */
final class LabelSelector {
  private LabelSelector() {}

  static boolean matches(JsonNode selector, Map<String, String> labels) {
    if (!selector.isObject()) {
      return false;
    }
    JsonNode ml = selector.path("matchLabels");
    JsonNode me = selector.path("matchExpressions");
    if (ml.size() == 0 && me.size() == 0) {
      // An empty selector would take every Node; the CRD refuses it, so this is defence in depth.
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = ml.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (JsonNode x : me) {
      String k = x.path("key").asText();
      Set<String> values = new HashSet<>();
      x.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.containsKey(k);
      boolean ok =
          switch (x.path("operator").asText()) {
            case "In" -> has && values.contains(labels.get(k));
            case "NotIn" -> !has || !values.contains(labels.get(k));
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
