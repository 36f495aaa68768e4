package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** Reading Redfish resources: links, numbers and optional text. */
final class RedfishJson {
  private RedfishJson() {}

  /** The {@code @odata.id} of a linked resource, if the link is there. */
  static Optional<String> link(JsonNode resource, String property) {
    String v = resource.path(property).path("@odata.id").asText("");
    return v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  /** A finite, non-negative number; empty otherwise. */
  static Optional<Double> number(JsonNode n) {
    return n.isNumber() && Double.isFinite(n.asDouble()) && n.asDouble() >= 0
        ? Optional.of(n.asDouble())
        : Optional.empty();
  }

  /** A non-blank text field. */
  static Optional<String> text(JsonNode n, String field) {
    String v = n.path(field).asText("");
    return v.isBlank() ? Optional.empty() : Optional.of(v);
  }
}
