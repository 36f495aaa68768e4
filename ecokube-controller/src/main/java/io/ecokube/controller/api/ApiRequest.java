package io.ecokube.controller.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP request as the API sees it, independent of the server library.
 *
 * @param method the HTTP method
 * @param path the path, starting with {@code /}
 * @param query the query parameters (the first value of each)
 * @param authorization the {@code Authorization} header
 * @param contentType the {@code Content-Type} header
 * @param body the body (empty for GET, or when it was too large)
 * @param tooLarge why the body was refused, when it was larger than the server reads
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> query,
    Optional<String> authorization,
    Optional<String> contentType,
    byte[] body,
    Optional<String> tooLarge) {
  /** Validates and copies. */
  public ApiRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = Map.copyOf(query);
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(contentType, "contentType");
    body = body.clone();
    Objects.requireNonNull(tooLarge, "tooLarge");
  }

  /** A GET without body, for tests and the server. */
  public static ApiRequest get(String path, Map<String, String> query, Optional<String> auth) {
    return new ApiRequest(
        "GET", path, query, auth, Optional.empty(), new byte[0], Optional.empty());
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    // The Authorization header is a secret: never printed.
    return "ApiRequest[" + method + " " + path + " " + query.keySet() + "]";
  }
}
