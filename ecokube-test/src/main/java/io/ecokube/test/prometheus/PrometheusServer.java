package io.ecokube.test.prometheus;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Debian's Prometheus, started on a free loopback port with a 1 s scrape interval, scraping the
 * given targets. The test fails with the install command when the binary is missing.
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;
  private final boolean tls;

  private PrometheusServer(List<String> targets, Optional<String> webConfig, boolean tls)
      throws IOException {
    Path binary = Path.of("/usr/bin/prometheus");
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          "Prometheus is not installed: run ./scripts/test.sh, or apt-get install prometheus");
    }
    this.tls = tls;
    dir = Files.createTempDirectory("ecokube-prom");
    StringBuilder cfg =
        new StringBuilder(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n  - job_name: kepler\n    static_configs:\n      - targets: [");
    cfg.append(String.join(", ", targets.stream().map(t -> "'" + t + "'").toList())).append("]\n");
    Files.writeString(dir.resolve("prometheus.yml"), cfg.toString());
    port = freePort();
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--log.level=warn"));
    if (webConfig.isPresent()) {
      Files.writeString(dir.resolve("web.yml"), webConfig.get());
      cmd.add("--web.config.file=" + dir.resolve("web.yml"));
    }
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    awaitReady();
  }

  /** Plain HTTP, no auth. */
  public static PrometheusServer scraping(String... targets) throws IOException {
    return new PrometheusServer(List.of(targets), Optional.empty(), false);
  }

  /** With a web config (basic auth, TLS); {@code tls} tells how to probe readiness. */
  public static PrometheusServer withWebConfig(String webConfig, boolean tls, String... targets)
      throws IOException {
    return new PrometheusServer(List.of(targets), Optional.of(webConfig), tls);
  }

  /** The folder holding config, data and log; tests put certificates here. */
  public Path dir() {
    return dir;
  }

  /** The server's base URI. */
  public URI uri() {
    return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
  }

  private void awaitReady() {
    // Readiness is probed by a TCP accept: with TLS or auth on, /-/ready would need credentials.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
              }
              if (tls) {
                try (java.net.Socket s =
                    new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                  return true;
                } catch (IOException e) {
                  return false;
                }
              }
              try {
                HttpResponse<Void> r =
                    HttpClient.newHttpClient()
                        .send(
                            HttpRequest.newBuilder(uri().resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding());
                return r.statusCode() == 200 || r.statusCode() == 401;
              } catch (IOException e) {
                return false;
              }
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
