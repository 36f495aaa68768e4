package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.time.Backoff;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one Redfish service: authentication (session with re-login, or Basic), bounded retries on
 * 409/503 honouring Retry-After, and translation of transport failures into {@link PowerException}s
 * that name the node and the URL. One exchange is {@link RedfishHttp}'s, authentication {@link
 * RedfishSession}'s, the wording of errors {@link RedfishErrors}'.
 */
final class RedfishClient implements AutoCloseable {
  static final String SERVICE_ROOT = "/redfish/v1/";
  private static final Logger LOG = LoggerFactory.getLogger(RedfishClient.class);

  /** One HTTP answer; {@code json} is null when the body is empty or not JSON. */
  record Response(URI uri, int status, HttpHeaders headers, String text, JsonNode json) {
    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  private final String node;
  private final RedfishSettings settings;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final RedfishErrors errors;
  private final RedfishHttp http;
  private final RedfishSession session;
  private volatile boolean closed;

  RedfishClient(String node, RedfishSettings settings, Clock clock, Sleeper sleeper) {
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.backoff = Backoff.exponential(settings.retryBackoff(), settings.maxRetryBackoff());
    this.errors = new RedfishErrors(node, settings);
    this.http = new RedfishHttp(node, settings, errors);
    this.session = new RedfishSession(this, node, settings, errors);
  }

  /** The node this client serves. */
  String node() {
    return node;
  }

  /** The clock deadlines are measured on. */
  Clock clock() {
    return clock;
  }

  /** The deadline of an operation starting now. */
  Instant deadline() {
    return clock.now().plus(settings.operationTimeout());
  }

  /** Whether requests currently carry HTTP Basic credentials instead of a session token. */
  boolean usesBasicAuth() {
    return session.basic();
  }

  /** The current session's URI, if a session is open. */
  Optional<URI> session() {
    return session.uri();
  }

  /**
   * Reads the service root. The specification lets clients read it without credentials; services
   * that demand them anyway get an authenticated request.
   */
  JsonNode serviceRoot(Instant deadline) throws PowerException {
    Response r = exchange("GET", resolve(SERVICE_ROOT), null, deadline, false);
    if (r.status() == 401 || r.status() == 403) {
      r = send("GET", SERVICE_ROOT, null, deadline);
    }
    return requireJson(r, "the service root");
  }

  /** GETs a resource that must answer 200 with a JSON object. */
  JsonNode getJson(String path, Instant deadline) throws PowerException {
    Response r = send("GET", path, null, deadline);
    return requireJson(r, path);
  }

  /** GETs a linked resource; empty when the service answers 404 (a dangling or absent link). */
  Optional<JsonNode> getIfPresent(String path, Instant deadline) throws PowerException {
    Response r = send("GET", path, null, deadline);
    if (r.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(requireJson(r, path));
  }

  private JsonNode requireJson(Response r, String what) throws PowerException {
    if (r.status() == 200 && r.json() != null && r.json().isObject()) {
      return r.json();
    }
    if (r.status() == 200) {
      throw error(
          Kind.PROTOCOL,
          r.uri(),
          "answered HTTP 200 but the body is not a JSON object ("
              + RedfishErrors.snippet(r.text())
              + "); is this a Redfish service?");
    }
    throw unexpected(r, "reading " + what);
  }

  /** Sends an authenticated request; 401 re-logs in once, 409/503 are retried with backoff. */
  Response send(String method, String path, JsonNode body, Instant deadline) throws PowerException {
    if (closed) {
      throw error(Kind.UNSUPPORTED, settings.endpoint(), "the driver was closed");
    }
    session.ensure(deadline);
    return exchange(method, resolve(path), body, deadline, true);
  }

  /** An exception for an answer the caller did not expect. */
  PowerException unexpected(Response r, String doing) {
    return errors.unexpected(r, doing);
  }

  /** A URL on this service; absolute URLs to another origin are refused (credentials). */
  URI resolve(String pathOrUrl) throws PowerException {
    URI base = settings.endpoint();
    URI target;
    try {
      target = base.resolve(pathOrUrl);
    } catch (IllegalArgumentException e) {
      throw error(
          Kind.PROTOCOL,
          base,
          "the service sent an invalid link '" + RedfishErrors.truncate(pathOrUrl, 200) + "'");
    }
    if (!Objects.equals(target.getScheme(), base.getScheme())
        || !Objects.equals(target.getHost(), base.getHost())
        || port(target) != port(base)) {
      throw error(
          Kind.PROTOCOL,
          base,
          "the service links to another origin ("
              + target.getScheme()
              + "://"
              + target.getHost()
              + ":"
              + port(target)
              + "); refusing to send credentials there");
    }
    return target;
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : 443;
  }

  /**
   * Sends a request, retrying 409 and 503 answers with backoff (or as Retry-After asks) within the
   * deadline; an authenticated request rejected with 401 logs in again once.
   */
  Response exchange(String method, URI uri, JsonNode body, Instant deadline, boolean authenticated)
      throws PowerException {
    int retries = 0;
    boolean relogged = false;
    while (true) {
      String usedToken = session.token();
      Response r = http.send(method, uri, body, authenticated ? session::credentials : rb -> {});
      int st = r.status();
      if (authenticated && st == 401 && !session.basic() && !relogged) {
        session.relogin(usedToken, deadline);
        relogged = true;
        continue;
      }
      if (authenticated && (st == 401 || st == 403)) {
        throw errors.authFailure(uri, st, method + " " + uri.getPath());
      }
      if (st != 409 && st != 503) {
        return r;
      }
      String what = st == 409 ? "409 Conflict (busy)" : "503 Service Unavailable";
      if (retries >= settings.maxRetries()) {
        throw error(
            st == 503 ? Kind.UNREACHABLE : Kind.TIMEOUT,
            uri,
            "still answered HTTP "
                + what
                + " after "
                + retries
                + " retries"
                + RedfishErrors.redfishMessage(r).map(m -> " (" + m + ")").orElse("")
                + "; the BMC is busy (another reset, firmware update?): check it, then retry");
      }
      Duration wait = retryAfter(r).orElse(backoff.delay(retries));
      Instant now = clock.now();
      if (now.plus(wait).isAfter(deadline)) {
        throw error(
            Kind.TIMEOUT,
            uri,
            "answered HTTP "
                + what
                + " and waiting "
                + wait.toMillis()
                + " ms more would exceed the operation timeout of "
                + settings.operationTimeout().toMillis()
                + " ms; raise "
                + RedfishSettings.OPERATION_TIMEOUT
                + " or check why the BMC is busy");
      }
      retries++;
      LOG.info(
          "node '{}': {} {} answered HTTP {}; retry {}/{} in {} ms",
          node,
          method,
          uri,
          st,
          retries,
          settings.maxRetries(),
          wait.toMillis());
      pause(wait, uri);
    }
  }

  /** The wait a Retry-After header asks for: delta-seconds or an HTTP date. */
  Optional<Duration> retryAfter(Response r) {
    Optional<String> h = r.header("Retry-After");
    if (h.isEmpty()) {
      return Optional.empty();
    }
    String v = h.get().trim();
    try {
      long seconds = Long.parseLong(v);
      return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(clock.now(), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException ignored) {
        LOG.debug("node '{}': ignoring unparseable Retry-After '{}'", node, v);
        return Optional.empty();
      }
    }
  }

  /** Waits, turning an interrupt into a TIMEOUT (and keeping the interrupt flag). */
  void pause(Duration wait, URI uri) throws PowerException {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(Kind.TIMEOUT, uri, "interrupted while waiting to retry", e);
    }
  }

  PowerException error(Kind kind, URI uri, String detail) {
    return errors.error(kind, uri, detail);
  }

  PowerException error(Kind kind, URI uri, String detail, Throwable cause) {
    return errors.error(kind, uri, detail, cause);
  }

  /** Deletes the session (best effort) and releases threads. Never throws; safe twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    session.end(http);
    http.close();
  }
}
