package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.power.redfish.RedfishClient.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The {@link PowerException}s of one node's Redfish service: each names the node and the URL (never
 * credentials), says what went wrong and what to check.
 */
final class RedfishErrors {
  private final String node;
  private final RedfishSettings settings;

  RedfishErrors(String node, RedfishSettings settings) {
    this.node = node;
    this.settings = settings;
  }

  PowerException error(Kind kind, URI uri, String detail) {
    return error(kind, uri, detail, null);
  }

  PowerException error(Kind kind, URI uri, String detail, Throwable cause) {
    return new PowerException(kind, node, endpointText(uri), detail, cause);
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

  /** 401 or 403: bad credentials or a missing privilege. */
  PowerException authFailure(URI uri, int status, String doing) {
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

  /** A request that got no HTTP answer: TLS refused, connection refused, or another I/O error. */
  PowerException transportFailure(String method, URI uri, IOException e) {
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

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }
}
