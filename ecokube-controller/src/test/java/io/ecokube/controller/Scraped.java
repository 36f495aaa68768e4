package io.ecokube.controller;

import io.ecokube.controller.testing.FakeCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped controller started on the fake API server, and its /metrics read as a user would. */
final class Scraped {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private Scraped() {}

  /** Starts a replica with a short reconcile period; the caller closes it. */
  static KubernetesController start(FakeCluster cluster, Path dir, Path config, String identity)
      throws Exception {
    KubernetesController c =
        new KubernetesController(
            new ControllerOptions(
                config,
                Optional.of(cluster.kubeconfig(dir)),
                "ecokube",
                identity,
                0,
                Duration.ofMillis(300),
                false,
                Optional.empty()));
    c.start();
    return c;
  }

  /** The controller's /metrics text. */
  static String scrape(KubernetesController c) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.httpPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The sum of the series whose line {@code series} matches (its value is group 1). */
  static double sum(KubernetesController c, Pattern series) throws Exception {
    Matcher m = series.matcher(scrape(c));
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }

  /** An untagged series' value, 0 when absent. */
  static double value(KubernetesController c, String name) throws Exception {
    return sum(c, Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$"));
  }
}
