package io.ecokube.prometheus.client;

/**
 * A Prometheus HTTP API call failed. {@link #kind()} separates "cannot reach it" from "it refused
 * the credentials" from "it did not like the query", so callers map it to the right power error.
 */
public class PrometheusException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a call failed. */
  public enum Kind {
    /** Connection refused, DNS, TLS handshake: the server was not reached. */
    UNREACHABLE,
    /** HTTP 401 or 403. */
    AUTHENTICATION,
    /** HTTP 400/422: the query is wrong (the message carries Prometheus' own error). */
    BAD_QUERY,
    /** The call did not finish within the timeout. */
    TIMEOUT,
    /** Any other failure: 5xx, an answer that is not the API's JSON. */
    PROTOCOL
  }

  private final Kind kind;

  /** Creates an exception. */
  public PrometheusException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Why the call failed. */
  public Kind kind() {
    return kind;
  }

  /**
   * The same failure as a power reading error, for meters.
   *
   * @param subject what could not be read ({@code "all nodes"})
   * @param endpoint the Prometheus server
   */
  public io.ecokube.api.power.PowerException toPowerException(String subject, String endpoint) {
    io.ecokube.api.power.PowerException.Kind k =
        switch (kind) {
          case UNREACHABLE -> io.ecokube.api.power.PowerException.Kind.UNREACHABLE;
          case AUTHENTICATION -> io.ecokube.api.power.PowerException.Kind.AUTHENTICATION;
          case TIMEOUT -> io.ecokube.api.power.PowerException.Kind.TIMEOUT;
          case BAD_QUERY -> io.ecokube.api.power.PowerException.Kind.CONFIGURATION;
          case PROTOCOL -> io.ecokube.api.power.PowerException.Kind.PROTOCOL;
        };
    return new io.ecokube.api.power.PowerException(k, subject, endpoint, getMessage(), this);
  }
}
