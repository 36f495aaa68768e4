package io.ecokube.test.prometheus;

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
  private final Map<Container, Counter[]> containers = new ConcurrentHashMap<>();

  /** A container Kepler reports on. */
  private record Container(
      String node, String namespace, String pod, String podId, String name, String id) {}

  /** A joule counter that grows at its watts in real time and can start again from zero. */
  private static final class Counter {
    private double watts;
    private double joules;
    private long at = System.nanoTime();

    synchronized double advance() {
      long now = System.nanoTime();
      joules += watts * (now - at) / 1e9;
      at = now;
      return joules;
    }

    synchronized void set(double w) {
      advance();
      watts = w;
    }

    synchronized void reset() {
      advance();
      joules = 0;
    }
  }

  private static final String[] PARTS = {"package", "dram", "gpu", "other"};

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

  /**
   * Sets a container's watts by part (CPU package, DRAM, GPU, other), exported as joule counters in
   * the exporter's schema: legacy {@code kepler_container_*_joules_total} with pod and namespace
   * labels, or 0.10 {@code kepler_container_cpu_joules_total} by zone with a {@code pod_id} that
   * {@code kepler_pod_cpu_joules_total} names.
   */
  public KeplerExporter container(
      String node,
      String namespace,
      String pod,
      String name,
      double cpu,
      double dram,
      double gpu,
      double other) {
    Container c =
        new Container(
            node,
            namespace,
            pod,
            "uid-" + namespace + "-" + pod,
            name,
            Integer.toHexString((namespace + pod + name).hashCode()));
    Counter[] cs =
        containers.computeIfAbsent(
            c, k -> new Counter[] {new Counter(), new Counter(), new Counter(), new Counter()});
    double[] w = {cpu, dram, gpu, other};
    for (int i = 0; i < 4; i++) {
      cs[i].set(w[i]);
    }
    return this;
  }

  /** A container's counters start again from zero, as after a restart of it or of Kepler. */
  public void resetContainer(String namespace, String pod, String name) {
    containers.forEach(
        (c, cs) -> {
          if (c.namespace().equals(namespace) && c.pod().equals(pod) && c.name().equals(name)) {
            for (Counter k : cs) {
              k.reset();
            }
          }
        });
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
    renderContainers(b);
    for (Map.Entry<String, Double> e : usage.entrySet()) {
      b.append("kepler_node_cpu_usage_ratio{node_name=\"")
          .append(e.getKey())
          .append("\"} ")
          .append(e.getValue())
          .append('\n');
    }
    return b.toString();
  }

  private void renderContainers(StringBuilder b) {
    Map<String, Double> pods = new java.util.TreeMap<>();
    for (Map.Entry<Container, Counter[]> e : containers.entrySet()) {
      Container c = e.getKey();
      Counter[] cs = e.getValue();
      if (legacy) {
        String labels =
            "{node_name=\""
                + c.node()
                + "\",container_namespace=\""
                + c.namespace()
                + "\",pod_name=\""
                + c.pod()
                + "\",container_name=\""
                + c.name()
                + "\",container_id=\""
                + c.id()
                + "\",mode=\"dynamic\"} ";
        for (int i = 0; i < 4; i++) {
          b.append("kepler_container_")
              .append(PARTS[i])
              .append("_joules_total")
              .append(labels)
              .append(cs[i].advance())
              .append('\n');
        }
      } else {
        String labels =
            "node_name=\""
                + c.node()
                + "\",container_id=\""
                + c.id()
                + "\",container_name=\""
                + c.name()
                + "\",pod_id=\""
                + c.podId()
                + "\",runtime=\"containerd\",state=\"running\"";
        double cpu = cs[0].advance();
        double dram = cs[1].advance();
        b.append("kepler_container_cpu_joules_total{")
            .append(labels)
            .append(",zone=\"package\"} ")
            .append(cpu)
            .append('\n');
        b.append("kepler_container_cpu_joules_total{")
            .append(labels)
            .append(",zone=\"dram\"} ")
            .append(dram)
            .append('\n');
        b.append("kepler_container_gpu_joules_total{")
            .append(labels)
            .append("} ")
            .append(cs[2].advance())
            .append('\n');
        String pod =
            "node_name=\""
                + c.node()
                + "\",pod_id=\""
                + c.podId()
                + "\",pod_name=\""
                + c.pod()
                + "\",pod_namespace=\""
                + c.namespace()
                + "\",state=\"running\",zone=\"package\"";
        pods.merge(pod, cpu, Double::sum);
      }
    }
    pods.forEach(
        (labels, j) ->
            b.append("kepler_pod_cpu_joules_total{")
                .append(labels)
                .append("} ")
                .append(j)
                .append('\n'));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
