package io.ecokube.controller.api;

import java.util.Map;

/**
 * The dashboard's static files: one HTML page, its script and its style, built from the API with no
 * build step. They hold no data, so they are served without a token; the page asks for the token
 * and sends it on every API call.
 */
final class Dashboard {
  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {"dashboard/index.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"dashboard/index.html", "text/html; charset=utf-8"},
          "/dashboard.js",
              new String[] {"dashboard/dashboard.js", "text/javascript; charset=utf-8"},
          "/dashboard.css", new String[] {"dashboard/dashboard.css", "text/css; charset=utf-8"});

  private Dashboard() {}

  static ApiResponse serve(ApiRequest req) {
    String[] f = FILES.get(req.path());
    if (f == null) {
      throw ApiProblem.of(
          404,
          "Not found",
          "no page " + req.path() + "; the dashboard is at / and the API at /api/v1/");
    }
    if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
      throw ApiProblem.of(
          405, "Method not allowed", "pages take GET, not " + req.method(), Map.of("Allow", "GET"));
    }
    return new ApiResponse(
        200,
        f[1],
        EcoKubeApi.resource(f[0]),
        // The page runs only its own script and talks only to its own origin.
        Map.of(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                + " frame-ancestors 'none'"));
  }
}
