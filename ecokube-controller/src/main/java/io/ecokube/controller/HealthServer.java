package io.ecokube.controller;

import io.ecokube.controller.api.ApiRequest;
import io.ecokube.controller.api.ApiResponse;
import io.ecokube.controller.api.EcoKubeApi;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The controller's HTTP endpoints, on Jetty: {@code /healthz} (process up), {@code /readyz} (caches
 * synced), {@code /metrics} (Prometheus text, optionally behind a bearer token), and, when an
 * {@link EcoKubeApi} is given, the JSON API under {@code /api/v1/} and the dashboard at {@code /}.
 *
 * <p>Why Jetty: it reads requests on its selector without holding a worker, so a client that sends
 * its request slowly (or never finishes it) costs no thread and cannot stall the liveness probe;
 * its idle timeout ends such clients; its thread pool and queue are bounded, and more requests than
 * they hold are refused (503) rather than queued without bound; it limits header sizes. It is
 * maintained by the Eclipse Foundation with regular security releases, and its core API needs no
 * servlet container.
 */
public final class HealthServer implements AutoCloseable {
  /** Largest request body the API reads; larger ones are refused with 413. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  private final Server server;
  private final ServerConnector connector;
  private final Optional<byte[]> token;
  private final Supplier<Optional<String>> notReady;
  private final Supplier<String> metrics;
  private final Optional<EcoKubeApi> api;

  private HealthServer(Builder b) {
    this.token = b.token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.notReady = b.notReady;
    this.metrics = b.metrics;
    this.api = b.api;
    // Jetty's acceptor and selector take two threads of the pool; the workers come on top.
    QueuedThreadPool pool =
        new QueuedThreadPool(
            b.threads + 3, b.threads + 3, 30_000, new BlockingArrayQueue<>(b.queue));
    pool.setName("ecokube-http");
    pool.setDaemon(true);
    pool.setReservedThreads(0);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(8192);
    http.setIdleTimeout(b.idleTimeoutMillis);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(b.address.getHostAddress());
    connector.setPort(b.port);
    // A client that sends nothing for this long is disconnected.
    connector.setIdleTimeout(b.idleTimeoutMillis);
    connector.setAcceptQueueSize(b.queue);
    server.addConnector(connector);
    server.setHandler(new Routes());
    server.setStopTimeout(1000);
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
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException(
          "HTTP server cannot listen on "
              + new InetSocketAddress(connector.getHost(), connector.getPort())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  private boolean metricsAuthorised(Request req) {
    if (token.isEmpty()) {
      return true;
    }
    String h = req.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (h == null || !h.startsWith("Bearer ")) {
      return false;
    }
    // Constant time, so the answer's timing does not leak how much of a guess was right.
    return MessageDigest.isEqual(
        token.get(), h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8));
  }

  /** Dispatches on the path: probes, metrics, then the API and dashboard. */
  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request req, Response res, Callback cb) throws IOException {
      String path = Request.getPathInContext(req);
      switch (path) {
        case "/healthz" -> text(res, cb, 200, "ok\n");
        case "/readyz" -> {
          Optional<String> why = notReady.get();
          text(res, cb, why.isEmpty() ? 200 : 503, why.orElse("ready") + "\n");
        }
        case "/metrics" -> {
          if (!metricsAuthorised(req)) {
            res.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            text(res, cb, 401, "a bearer token is required for /metrics\n");
          } else {
            text(res, cb, 200, metrics.get());
          }
        }
        default -> {
          if (api.isEmpty()) {
            text(res, cb, 404, "not found\n");
          } else {
            send(res, cb, api.get().handle(toApiRequest(req, path)));
          }
        }
      }
      return true;
    }
  }

  private static ApiRequest toApiRequest(Request req, String path) throws IOException {
    Map<String, String> query = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(req, StandardCharsets.UTF_8);
    for (Fields.Field f : fields) {
      query.put(f.getName(), f.getValue());
    }
    byte[] body = new byte[0];
    Optional<String> tooLarge = Optional.empty();
    long declared = req.getLength();
    if (declared > MAX_BODY_BYTES) {
      tooLarge = Optional.of("the body has " + declared + " bytes");
    } else if (!req.getMethod().equals("GET") && !req.getMethod().equals("HEAD")) {
      try (InputStream in = Content.Source.asInputStream(req)) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        tooLarge = Optional.of("the body has more than " + MAX_BODY_BYTES + " bytes");
        body = new byte[0];
      }
    }
    return new ApiRequest(
        req.getMethod(),
        path,
        query,
        Optional.ofNullable(req.getHeaders().get(HttpHeader.AUTHORIZATION)),
        Optional.ofNullable(req.getHeaders().get(HttpHeader.CONTENT_TYPE)),
        body,
        tooLarge);
  }

  private static void send(Response res, Callback cb, ApiResponse r) {
    res.setStatus(r.status());
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, r.contentType());
    r.headers().forEach((k, v) -> res.getHeaders().put(k, v));
    res.getHeaders().put("X-Content-Type-Options", "nosniff");
    res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    res.write(true, ByteBuffer.wrap(r.body()), cb);
  }

  private static void text(Response res, Callback cb, int code, String body) {
    res.setStatus(code);
    res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
  }

  /** Stops serving, giving running exchanges a second. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      // Closing: nothing more to do than having tried.
      Thread.currentThread().interrupt();
    }
  }

  /** Builds a {@link HealthServer}. */
  public static final class Builder {
    private final InetAddress address;
    private final int port;
    private Supplier<Optional<String>> notReady = Optional::empty;
    private Supplier<String> metrics = () -> "";
    private Optional<String> token = Optional.empty();
    private Optional<EcoKubeApi> api = Optional.empty();
    private int threads = 4;
    private int queue = 32;
    private long idleTimeoutMillis = 10_000;

    private Builder(InetAddress address, int port) {
      this.address = Objects.requireNonNull(address, "address");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("HTTP port must be 0..65535, got " + port);
      }
      this.port = port;
    }

    /** What {@code /readyz} reports (default: ready); not ready reads "syncing". */
    public Builder ready(BooleanSupplier ready) {
      Objects.requireNonNull(ready, "ready");
      return readiness(() -> ready.getAsBoolean() ? Optional.empty() : Optional.of("syncing"));
    }

    /**
     * Why {@code /readyz} answers 503, with that reason as its body; empty: ready. The reason is
     * what an operator reads in {@code kubectl describe pod}, so it should say what to fix.
     */
    public Builder readiness(Supplier<Optional<String>> notReady) {
      this.notReady = Objects.requireNonNull(notReady, "notReady");
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

    /** Serves the JSON API under {@code /api/v1/} and the dashboard at {@code /}. */
    public Builder api(EcoKubeApi api) {
      this.api = Optional.of(Objects.requireNonNull(api, "api"));
      return this;
    }

    /**
     * Worker threads and queued requests (default 4 and 32); more requests than that are refused
     * rather than queued without bound.
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

    /** How long a connection may stay silent before it is closed (default 10 s). */
    public Builder idleTimeout(java.time.Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idle timeout must be positive, got " + timeout);
      }
      this.idleTimeoutMillis = timeout.toMillis();
      return this;
    }

    /** The server, not yet started. */
    public HealthServer build() throws IOException {
      return new HealthServer(this);
    }
  }
}
