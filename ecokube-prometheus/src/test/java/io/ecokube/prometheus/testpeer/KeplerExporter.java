package io.ecokube.prometheus.testpeer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Kepler-format exporter for tests: serves {@code /metrics} on 127.0.0.1 in either metric schema.
 * Joule counters grow in real time at the configured watts, because Prometheus scrapes in real
 * time.
 */
public final class KeplerExporter implements AutoCloseable {
  /** One series: metric name suffix and labels, at a power in watts. */
  private record Series(String node, String name, String extraLabels) {}

  private final HttpServer server;
  private final long startNanos = System.nanoTime();
  private final Map<Series, Double> watts = new ConcurrentHashMap<>();
  private final Map<String, Double> usage = new ConcurrentHashMap<>();
  private final boolean legacy;

  private KeplerExporter(boolean legacy) throws IOException {
    this.legacy = legacy;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/metrics",
        ex -> {
          byte[] body = render().getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
  }

  /** An exporter of Kepler's legacy metrics. */
  public static KeplerExporter legacy() throws IOException {
    return new KeplerExporter(true);
  }

  /** An exporter of Kepler 0.10+ metrics. */
  public static KeplerExporter v010() throws IOException {
    return new KeplerExporter(false);
  }

  /** host:port to scrape. */
  public String target() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Legacy: sets a counter ({@code platform}, {@code package}, {@code dram}) of a node. */
  public KeplerExporter legacyCounter(String node, String counter, double w) {
    // Split across the two modes Kepler reports, to prove the meter adds them.
    watts.put(new Series(node, counter, "mode=\"dynamic\""), w * 0.25);
    watts.put(new Series(node, counter, "mode=\"idle\""), w * 0.75);
    return this;
  }

  /** 0.10+: sets a zone's watts on one RAPL path of a node. */
  public KeplerExporter zone(String node, String zone, String path, double w) {
    watts.put(new Series(node, zone, "path=\"" + path + "\""), w);
    return this;
  }

  /** 0.10+: sets a node's CPU usage ratio. */
  public KeplerExporter usage(String node, double ratio) {
    usage.put(node, ratio);
    return this;
  }

  /** Stops exporting every series of a node (Prometheus then marks them stale). */
  public void removeNode(String node) {
    watts.keySet().removeIf(s -> s.node().equals(node));
    usage.remove(node);
  }

  private String render() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Series, Double> e : watts.entrySet()) {
      Series s = e.getKey();
      String labels = "{node_name=\"" + s.node() + "\"," + s.extraLabels();
      if (legacy) {
        // Counters start at an arbitrary offset, as real ones do after days of uptime.
        double joules = 1e6 + e.getValue() * seconds;
        b.append("kepler_node_")
            .append(s.name())
            .append("_joules_total")
            .append(labels)
            .append(",source=\"rapl\"} ")
            .append(joules)
            .append('\n');
      } else {
        String zl = labels + ",zone=\"" + s.name() + "\"}";
        b.append("kepler_node_cpu_watts").append(zl).append(' ').append(e.getValue()).append('\n');
        b.append("kepler_node_cpu_joules_total")
            .append(zl)
            .append(' ')
            .append(e.getValue() * seconds)
            .append('\n');
      }
    }
    for (Map.Entry<String, Double> e : usage.entrySet()) {
      b.append("kepler_node_cpu_usage_ratio{node_name=\"")
          .append(e.getKey())
          .append("\"} ")
          .append(e.getValue())
          .append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
