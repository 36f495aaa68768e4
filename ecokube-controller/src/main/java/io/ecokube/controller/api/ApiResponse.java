package io.ecokube.controller.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP answer, independent of the server library.
 *
 * @param status the status code
 * @param contentType the media type
 * @param body the bytes
 * @param headers more headers ({@code WWW-Authenticate}, {@code Allow})
 */
public record ApiResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {
  /** JSON of the API. */
  public static final String JSON = "application/json";

  /** RFC 9457 problem details. */
  public static final String PROBLEM = "application/problem+json";

  /** Validates and copies. */
  public ApiResponse {
    Objects.requireNonNull(contentType, "contentType");
    body = body.clone();
    headers = Map.copyOf(headers);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
