package io.ecokube.controller.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request the API refuses, answered as RFC 9457 problem details: a type, a title, the status, a
 * detail that says what was wrong and how to fix it, and, for a bad parameter, its name in {@code
 * invalid-params}.
 */
public final class ApiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;
  private final Optional<String> parameter;
  private final transient Map<String, String> headers;

  private ApiProblem(
      int status, String title, String detail, Optional<String> parameter, Map<String, String> h) {
    super(detail);
    this.status = status;
    this.title = Objects.requireNonNull(title, "title");
    this.parameter = parameter;
    this.headers = Map.copyOf(h);
  }

  /** 400: a parameter (query, path or body field) is missing or wrong. */
  public static ApiProblem badParameter(String name, String detail) {
    return new ApiProblem(400, "Invalid parameter", detail, Optional.of(name), Map.of());
  }

  /** 422: the parameters are well formed but cannot be used together (a flat calibration). */
  public static ApiProblem unprocessable(String name, String detail) {
    return new ApiProblem(422, "Unprocessable parameters", detail, Optional.of(name), Map.of());
  }

  /** Any other status. */
  public static ApiProblem of(int status, String title, String detail) {
    return new ApiProblem(status, title, detail, Optional.empty(), Map.of());
  }

  /** Any other status, with response headers. */
  public static ApiProblem of(int status, String title, String detail, Map<String, String> h) {
    return new ApiProblem(status, title, detail, Optional.empty(), h);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The short, fixed title of this kind of problem. */
  public String title() {
    return title;
  }

  /** The parameter that was wrong, if one was. */
  public Optional<String> parameter() {
    return parameter;
  }

  /** Headers the answer carries. */
  public Map<String, String> headers() {
    return headers;
  }

  /** A stable type URI per title, so clients can switch on it. */
  public String type() {
    return "https://ecokube.io/problems/"
        + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
  }
}
