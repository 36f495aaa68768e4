package io.ecokube.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.secret.SecretRef;
import java.util.Optional;
import java.util.Set;

/** The {@code api} section: the JSON API's bearer token, or its explicit anonymous mode. */
final class ApiSection extends ConfigReader {
  private static final Set<String> KEYS = Set.of("token", "anonymous");

  private final Set<String> secretSchemes;

  ApiSection(ConfigProblems problems, Set<String> secretSchemes) {
    super(problems);
    this.secretSchemes = secretSchemes;
  }

  ApiSettings api(JsonNode node) {
    if (node == null || node.isNull() || !object(node, "api")) {
      return ApiSettings.DEFAULT;
    }
    fields(node, "api.", KEYS);
    Optional<SecretRef> token =
        text(node, "api", "token").flatMap(t -> secretReference("api.token", t, secretSchemes));
    boolean anonymous = bool(node, "api", "anonymous", false);
    if (anonymous && node.has("token")) {
      error("api.anonymous", "give either api.token or api.anonymous: true, not both");
    }
    return new ApiSettings(token, anonymous);
  }
}
