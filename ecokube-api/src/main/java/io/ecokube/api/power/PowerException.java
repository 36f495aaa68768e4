package io.ecokube.api.power;

import java.util.Objects;

/**
 * A power operation failed. The {@link #kind()} tells a caller whether retrying can help; the
 * message names the node, the endpoint and what to check. Messages never contain secrets.
 */
public class PowerException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a power operation failed. */
  public enum Kind {
    /** The endpoint did not answer (network, wrong address, machine without standby power). */
    UNREACHABLE(true),
    /** The endpoint refused the credentials. Retrying with the same credentials will not help. */
    AUTHENTICATION(false),
    /** The driver or the endpoint cannot do what was asked. */
    UNSUPPORTED(false),
    /** The operation did not finish within its bound. */
    TIMEOUT(true),
    /** The endpoint answered with something the driver did not expect or could not parse. */
    PROTOCOL(true),
    /** The driver's settings are wrong (bad address, missing secret). */
    CONFIGURATION(false);

    private final boolean retryable;

    Kind(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether repeating the same call later can succeed. */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Kind kind;
  private final String node;
  private final String endpoint;

  /**
   * Creates an exception.
   *
   * @param kind why it failed
   * @param node the node the operation was for
   * @param endpoint where the driver talked to (host:port, URL), without credentials
   * @param detail what happened and what to check
   * @param cause the underlying error, or null
   */
  public PowerException(Kind kind, String node, String endpoint, String detail, Throwable cause) {
    super(format(kind, node, endpoint, detail), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.node = Objects.requireNonNull(node, "node");
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
  }

  /** Creates an exception without a cause. */
  public PowerException(Kind kind, String node, String endpoint, String detail) {
    this(kind, node, endpoint, detail, null);
  }

  private static String format(Kind kind, String node, String endpoint, String detail) {
    return kind + ": node '" + node + "' at " + endpoint + ": " + detail;
  }

  /** Why the operation failed. */
  public Kind kind() {
    return kind;
  }

  /** The node the operation was for. */
  public String node() {
    return node;
  }

  /** The endpoint the driver talked to, without credentials. */
  public String endpoint() {
    return endpoint;
  }
}
