package io.ecokube.prometheus.attribution;

import io.ecokube.prometheus.client.PrometheusClient;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Waits until Prometheus holds enough of a series for a 10 s energy window. */
final class History {
  private History() {}

  /** Until the metric has at least 12 scrapes in the last 15 s (1 s scrape interval). */
  static void await(PrometheusClient client, String metric) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> !client.query("count_over_time(" + metric + "[15s]) >= 12").isEmpty());
  }
}
