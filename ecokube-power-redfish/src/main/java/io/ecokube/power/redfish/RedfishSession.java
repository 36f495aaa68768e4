package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.power.redfish.RedfishClient.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How requests to one Redfish service authenticate: a session (logged in on first use, again when
 * the service rejects the token), or HTTP Basic when configured or, in {@code auto} mode, when the
 * service offers no sessions.
 */
final class RedfishSession {
  private static final String DEFAULT_SESSIONS = "/redfish/v1/SessionService/Sessions";
  private static final Logger LOG = LoggerFactory.getLogger(RedfishClient.class);

  private final RedfishClient client;
  private final String node;
  private final RedfishSettings settings;
  private final RedfishErrors errors;
  private final Object lock = new Object();
  private volatile String token;
  private volatile URI sessionUri;
  private volatile boolean basic;

  RedfishSession(
      RedfishClient client, String node, RedfishSettings settings, RedfishErrors errors) {
    this.client = client;
    this.node = node;
    this.settings = settings;
    this.errors = errors;
    this.basic = settings.authMode() == AuthMode.BASIC;
  }

  /** Whether requests carry HTTP Basic credentials instead of a session token. */
  boolean basic() {
    return basic;
  }

  /** The current token, null when none. */
  String token() {
    return token;
  }

  /** The current session's URI, if a session is open. */
  Optional<URI> uri() {
    return Optional.ofNullable(sessionUri);
  }

  /** Logs in unless a session or Basic authentication is in place. */
  void ensure(Instant deadline) throws PowerException {
    if (basic || token != null) {
      return;
    }
    synchronized (lock) {
      if (basic || token != null) {
        return;
      }
      login(deadline);
    }
  }

  /** Logs in again after the service rejected {@code staleToken}, unless another thread did. */
  void relogin(String staleToken, Instant deadline) throws PowerException {
    synchronized (lock) {
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

  /** Adds the credentials in force to a request. */
  void credentials(HttpRequest.Builder rb) {
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

  /** Forgets the session and deletes it on the service, best effort. */
  void end(RedfishHttp http) {
    URI s = sessionUri;
    String t = token;
    token = null;
    sessionUri = null;
    if (s != null && t != null) {
      http.deleteSession(s, t);
    }
  }

  private void login(Instant deadline) throws PowerException {
    String sessions = sessionsPath(deadline);
    URI uri = client.resolve(sessions);
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("UserName", settings.username());
    body.put("Password", settings.password().revealAsString());
    Response r = client.exchange("POST", uri, body, deadline, false);
    int st = r.status();
    if (st == 200 || st == 201) {
      Optional<String> t = r.header("X-Auth-Token");
      if (t.isEmpty() || t.get().isBlank()) {
        throw errors.error(
            Kind.PROTOCOL,
            uri,
            "session created (HTTP " + st + ") but the answer carries no X-Auth-Token header");
      }
      Optional<String> loc =
          r.header("Location")
              .or(() -> Optional.ofNullable(r.json()).map(j -> j.path("@odata.id").asText(null)));
      sessionUri = loc.isPresent() ? client.resolve(loc.get()) : null;
      token = t.get();
      LOG.debug("node '{}': Redfish session opened at {}", node, sessionUri);
      return;
    }
    if (st == 401 || st == 403) {
      throw errors.authFailure(uri, st, "creating a session");
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
    throw errors.unexpected(
        r, "creating a session (auth=" + settings.authMode().name().toLowerCase() + ")");
  }

  private String sessionsPath(Instant deadline) throws PowerException {
    // Unauthenticated on purpose: this runs while logging in.
    Response r =
        client.exchange("GET", client.resolve(RedfishClient.SERVICE_ROOT), null, deadline, false);
    String fromLinks =
        r.status() == 200 && r.json() != null
            ? r.json().path("Links").path("Sessions").path("@odata.id").asText("")
            : "";
    return fromLinks.isBlank() ? DEFAULT_SESSIONS : fromLinks;
  }
}
