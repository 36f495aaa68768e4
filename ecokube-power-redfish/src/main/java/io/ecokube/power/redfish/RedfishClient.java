package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.time.Backoff;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.api.tls.TlsContextBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to one Redfish service: authentication (session with re-login, or Basic), bounded retries on
 * 409/503 honouring Retry-After, and translation of transport failures into {@link PowerException}s
 * that name the node and the URL.
 */
final class RedfishClient implements AutoCloseable {
  static final String SERVICE_ROOT = "/redfish/v1/";
  private static final String DEFAULT_SESSIONS = "/redfish/v1/SessionService/Sessions";
  private static final Logger LOG = LoggerFactory.getLogger(RedfishClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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
  private final ExecutorService executor;
  private final HttpClient http;
  private final Object authLock = new Object();
  private volatile String token;
  private volatile URI sessionUri;
  private volatile boolean basic;
  private volatile boolean closed;

  RedfishClient(String node, RedfishSettings settings, Clock clock, Sleeper sleeper) {
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.backoff = Backoff.exponential(settings.retryBackoff(), settings.maxRetryBackoff());
    SSLContext tls = tlsContext(node, settings);
    this.executor = Executors.newCachedThreadPool(threads(node));
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
    this.basic = settings.authMode() == AuthMode.BASIC;
  }

  /**
   * The JDK's CAs by default, the configured trust store when set, or no verification at all when
   * explicitly disabled.
   *
   * @throws DriverSettingsException when the trust store cannot be read
   */
  private static SSLContext tlsContext(String node, RedfishSettings s) {
    TlsContextBuilder b = TlsContextBuilder.create();
    if (!s.verifyTls()) {
      LOG.warn(
          "node '{}': TLS verification of {} is DISABLED ({}=false): the BMC's identity is not"
              + " checked and its credentials can be intercepted; set {} instead",
          node,
          s.endpoint(),
          RedfishSettings.TLS_VERIFY,
          RedfishSettings.TRUST_STORE);
      b.insecureTrustAll();
    } else {
      s.trustStore()
          .ifPresent(
              p ->
                  b.trustStore(p, s.trustStorePassword())
                      .passwordSetting(RedfishSettings.TRUST_STORE_PASSWORD));
      s.tlsPins().forEach(b::pinSha256);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new DriverSettingsException(node, RedfishSettings.TRUST_STORE, e.getMessage());
    }
  }

  private static ThreadFactory threads(String node) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ecokube-redfish-" + node + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
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
    return basic;
  }

  /** The current session's URI, if a session is open. */
  Optional<URI> session() {
    return Optional.ofNullable(sessionUri);
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
              + snippet(r.text())
              + "); is this a Redfish service?");
    }
    throw unexpected(r, "reading " + what);
  }

  /** Sends an authenticated request; 401 re-logs in once, 409/503 are retried with backoff. */
  Response send(String method, String path, JsonNode body, Instant deadline) throws PowerException {
    ensureAuthenticated(deadline);
    return exchange(method, resolve(path), body, deadline, true);
  }

  /** An exception for an answer the caller did not expect. */
  PowerException unexpected(Response r, String doing) {
    return error(
        Kind.PROTOCOL,
        r.uri(),
        doing
            + " got HTTP "
            + r.status()
            + redfishMessage(r).map(m -> " (" + m + ")").orElse("")
            + "; check that the BMC firmware supports this and that the account has the"
            + " privilege");
  }

  /** The Redfish error message of an answer, if it carries one. */
  static Optional<String> redfishMessage(Response r) {
    JsonNode j = r.json();
    if (j == null) {
      return Optional.empty();
    }
    JsonNode err = j.path("error");
    StringBuilder sb = new StringBuilder();
    if (err.path("message").isTextual()) {
      sb.append(err.path("message").asText());
    }
    JsonNode infos =
        err.has("@Message.ExtendedInfo")
            ? err.path("@Message.ExtendedInfo")
            : j.path("@Message.ExtendedInfo");
    for (JsonNode info : infos) {
      if (info.path("Message").isTextual()) {
        sb.append(sb.length() > 0 ? "; " : "").append(info.path("Message").asText());
      }
    }
    return sb.length() == 0 ? Optional.empty() : Optional.of(truncate(sb.toString(), 300));
  }

  /** The MessageIds of an error answer, e.g. {@code Base.1.8.ActionParameterNotSupported}. */
  static String messageIds(Response r) {
    if (r.json() == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode info : r.json().path("error").path("@Message.ExtendedInfo")) {
      sb.append(info.path("MessageId").asText("")).append(' ');
    }
    return sb.toString();
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
          "the service sent an invalid link '" + truncate(pathOrUrl, 200) + "'");
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

  private void ensureAuthenticated(Instant deadline) throws PowerException {
    if (closed) {
      throw error(Kind.UNSUPPORTED, settings.endpoint(), "the driver was closed");
    }
    if (basic || token != null) {
      return;
    }
    synchronized (authLock) {
      if (basic || token != null) {
        return;
      }
      login(deadline);
    }
  }

  private void relogin(String staleToken, Instant deadline) throws PowerException {
    synchronized (authLock) {
      if (!Objects.equals(token, staleToken)) {
        return;
      }
      LOG.info(
          "node '{}': Redfish session at {} was rejected (expired?); logging in again",
          node,
          settings.endpoint());
      token = null;
      sessionUri = null;
      login(deadline);
    }
  }

  private void login(Instant deadline) throws PowerException {
    String sessions = sessionsPath(deadline);
    URI uri = resolve(sessions);
    ObjectNode body = JSON.createObjectNode();
    body.put("UserName", settings.username());
    body.put("Password", settings.password().revealAsString());
    Response r = exchange("POST", uri, body, deadline, false);
    int st = r.status();
    if (st == 200 || st == 201) {
      Optional<String> t = r.header("X-Auth-Token");
      if (t.isEmpty() || t.get().isBlank()) {
        throw error(
            Kind.PROTOCOL,
            uri,
            "session created (HTTP " + st + ") but the answer carries no X-Auth-Token header");
      }
      Optional<String> loc =
          r.header("Location")
              .or(() -> Optional.ofNullable(r.json()).map(j -> j.path("@odata.id").asText(null)));
      sessionUri = loc.isPresent() ? resolve(loc.get()) : null;
      token = t.get();
      LOG.debug("node '{}': Redfish session opened at {}", node, sessionUri);
      return;
    }
    if (st == 401 || st == 403) {
      throw authFailure(uri, st, "creating a session");
    }
    if (settings.authMode() == AuthMode.AUTO && (st == 404 || st == 405 || st == 501)) {
      LOG.info(
          "node '{}': {} offers no Redfish sessions (HTTP {}); using HTTP Basic authentication",
          node,
          uri,
          st);
      basic = true;
      return;
    }
    throw unexpected(
        r, "creating a session (auth=" + settings.authMode().name().toLowerCase() + ")");
  }

  private String sessionsPath(Instant deadline) throws PowerException {
    // Unauthenticated on purpose: this runs while logging in.
    Response r = exchange("GET", resolve(SERVICE_ROOT), null, deadline, false);
    String fromLinks =
        r.status() == 200 && r.json() != null
            ? r.json().path("Links").path("Sessions").path("@odata.id").asText("")
            : "";
    return fromLinks.isBlank() ? DEFAULT_SESSIONS : fromLinks;
  }

  private PowerException authFailure(URI uri, int status, String doing) {
    String hint =
        status == 403
            ? "the account '"
                + settings.username()
                + "' lacks the privilege (ConfigureComponents is needed for resets)"
            : "check the username '"
                + settings.username()
                + "' and the password in "
                + settings.password().source();
    return error(
        Kind.AUTHENTICATION, uri, doing + " was refused with HTTP " + status + "; " + hint);
  }

  private Response exchange(
      String method, URI uri, JsonNode body, Instant deadline, boolean authenticated)
      throws PowerException {
    int retries = 0;
    boolean relogged = false;
    while (true) {
      String usedToken = token;
      Response r = sendOnce(method, uri, body, authenticated);
      int st = r.status();
      if (authenticated && st == 401 && !basic && !relogged) {
        relogin(usedToken, deadline);
        relogged = true;
        continue;
      }
      if (authenticated && (st == 401 || st == 403)) {
        throw authFailure(uri, st, method + " " + uri.getPath());
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
                + redfishMessage(r).map(m -> " (" + m + ")").orElse("")
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

  private Response sendOnce(String method, URI uri, JsonNode body, boolean authenticated)
      throws PowerException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json")
            .header("OData-Version", "4.0");
    if (authenticated) {
      String t = token;
      if (basic) {
        String pair = settings.username() + ":" + settings.password().revealAsString();
        rb.header(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      } else if (t != null) {
        rb.header("X-Auth-Token", t);
      }
    }
    if (body != null) {
      rb.header("Content-Type", "application/json");
      rb.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw error(
          Kind.TIMEOUT,
          uri,
          method
              + " got no answer within "
              + (e instanceof java.net.http.HttpConnectTimeoutException
                  ? settings.connectTimeout().toMillis() + " ms (connect)"
                  : settings.requestTimeout().toMillis() + " ms")
              + "; check that the BMC is up and reachable, or raise "
              + RedfishSettings.REQUEST_TIMEOUT,
          e);
    } catch (IOException e) {
      throw transportFailure(method, uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw error(Kind.TIMEOUT, uri, method + " was interrupted", e);
    }
    String text = resp.body() == null ? "" : resp.body();
    JsonNode json = null;
    if (!text.isBlank()) {
      try {
        json = JSON.readTree(text);
      } catch (IOException e) {
        LOG.debug("node '{}': {} {} answered non-JSON text", node, method, uri);
      }
    }
    return new Response(uri, resp.statusCode(), resp.headers(), text, json);
  }

  private PowerException transportFailure(String method, URI uri, IOException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SSLHandshakeException || c instanceof SSLException) {
        return error(
            Kind.CONFIGURATION,
            uri,
            "TLS handshake failed ("
                + c.getMessage()
                + "); the BMC's certificate is not trusted: set "
                + RedfishSettings.TRUST_STORE
                + " to a PEM or PKCS12 file with its certificate or CA, and check that the"
                + " certificate names this host"
                + (settings.tlsPins().isEmpty()
                    ? ""
                    : "; if it was renewed, pin its new fingerprint in "
                        + RedfishSettings.TLS_PIN_SHA256),
            e);
      }
      if (c instanceof ConnectException) {
        return error(
            Kind.UNREACHABLE,
            uri,
            method
                + " could not connect ("
                + c.getMessage()
                + "); check the endpoint address and port, the BMC's network and its standby"
                + " power",
            e);
      }
    }
    return error(
        Kind.UNREACHABLE,
        uri,
        method
            + " failed ("
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + "); check the BMC's network",
        e);
  }

  PowerException error(Kind kind, URI uri, String detail) {
    return error(kind, uri, detail, null);
  }

  PowerException error(Kind kind, URI uri, String detail, Throwable cause) {
    return new PowerException(kind, node, endpointText(uri), detail, cause);
  }

  private static String endpointText(URI uri) {
    // Links never carry user info (resolve() refuses other origins), but strip it defensively.
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  static String snippet(String text) {
    return text == null || text.isBlank()
        ? "empty"
        : "'" + truncate(text.replaceAll("\\s+", " ").trim(), 80) + "'";
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** Deletes the session (best effort) and releases threads. Never throws; safe twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    URI s = sessionUri;
    String t = token;
    token = null;
    sessionUri = null;
    if (s != null && t != null) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(s)
                    .timeout(settings.requestTimeout())
                    .header("X-Auth-Token", t)
                    .header("OData-Version", "4.0")
                    .DELETE()
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        LOG.debug("node '{}': Redfish session {} deleted (HTTP {})", node, s, r.statusCode());
      } catch (IOException e) {
        LOG.info(
            "node '{}': could not delete Redfish session {} ({}); the BMC expires it",
            node,
            s,
            e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    executor.shutdownNow();
  }
}
