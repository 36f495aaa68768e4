package io.ecokube.controller;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The controller's HTTP endpoints: {@code /healthz} (process up), {@code /readyz} (caches synced),
 * {@code /metrics} (Prometheus text), optionally behind a bearer token.
 *
 * <p>Requests run on a small bounded pool, never on the accepting thread, so a client that sends
 * its request slowly (or never finishes it) holds one worker and cannot stall the liveness probe;
 * the JDK server's request and response time limits ({@code sun.net.httpserver.maxReqTime}, {@code
 * maxRspTime}) end such clients, and are set here unless the JVM was started with them.
 */
public final class HealthServer implements AutoCloseable {
  static {
    // Read once, when the JDK's server class is first used; a value given on the command line wins.
    setDefault("sun.net.httpserver.maxReqTime", "10");
    setDefault("sun.net.httpserver.maxRspTime", "30");
  }

  private final HttpServer http;
  private final ThreadPoolExecutor pool;
  private final Optional<byte[]> token;

  private HealthServer(Builder b) throws IOException {
    this.token = b.token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.http = HttpServer.create(new InetSocketAddress(b.address, b.port), 0);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            b.threads,
            b.threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(b.queue),
            r -> {
              Thread t = new Thread(r, "ecokube-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    http.setExecutor(pool);
    http.createContext("/healthz", ex -> reply(ex, 200, "ok\n"));
    BooleanSupplier ready = b.ready;
    http.createContext(
        "/readyz",
        ex -> {
          boolean r = ready.getAsBoolean();
          reply(ex, r ? 200 : 503, r ? "ready\n" : "syncing\n");
        });
    Supplier<String> metrics = b.metrics;
    http.createContext(
        "/metrics",
        ex -> {
          if (!authorised(ex)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            reply(ex, 401, "a bearer token is required for /metrics\n");
            return;
          }
          reply(ex, 200, metrics.get());
        });
  }

  /**
   * A builder for a server on the address and port.
   *
   * @param port the port; 0 picks a free one
   */
  public static Builder builder(InetAddress address, int port) {
    return new Builder(address, port);
  }

  /** Starts serving. */
  public void start() {
    http.start();
  }

  /** The port it listens on. */
  public int port() {
    return http.getAddress().getPort();
  }

  private boolean authorised(HttpExchange ex) {
    if (token.isEmpty()) {
      return true;
    }
    String h = ex.getRequestHeaders().getFirst("Authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      return false;
    }
    // Constant time, so the answer's timing does not leak how much of a guess was right.
    return MessageDigest.isEqual(
        token.get(), h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Stops serving, giving running exchanges a second. */
  @Override
  public void close() {
    http.stop(1);
    pool.shutdownNow();
  }

  /** Builds a {@link HealthServer}. */
  public static final class Builder {
    private final InetAddress address;
    private final int port;
    private BooleanSupplier ready = () -> true;
    private Supplier<String> metrics = () -> "";
    private Optional<String> token = Optional.empty();
    private int threads = 4;
    private int queue = 32;

    private Builder(InetAddress address, int port) {
      this.address = Objects.requireNonNull(address, "address");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("HTTP port must be 0..65535, got " + port);
      }
      this.port = port;
    }

    /** What {@code /readyz} reports (default: ready). */
    public Builder ready(BooleanSupplier ready) {
      this.ready = Objects.requireNonNull(ready, "ready");
      return this;
    }

    /** The body of {@code /metrics}. */
    public Builder metrics(Supplier<String> metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Requires {@code Authorization: Bearer <token>} on {@code /metrics}; probes stay open. */
    public Builder metricsToken(String token) {
      if (token.isBlank()) {
        throw new IllegalArgumentException("the metrics token is empty; check its secret file");
      }
      this.token = Optional.of(token.trim());
      return this;
    }

    /**
     * Worker threads and queued connections (default 4 and 32); more connections than that are
     * refused rather than queued without bound.
     */
    public Builder pool(int threads, int queue) {
      if (threads < 1 || queue < 1) {
        throw new IllegalArgumentException(
            "HTTP pool needs threads >= 1 and queue >= 1, got " + threads + " and " + queue);
      }
      this.threads = threads;
      this.queue = queue;
      return this;
    }

    /** The server, not yet started. */
    public HealthServer build() throws IOException {
      return new HealthServer(this);
    }
  }
}
