package io.ecokube.power.ipmi.rmcp;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * An RMCP+ exchange failed. {@link #failure()} says why in terms a caller can act on; the message
 * says what happened on the wire and never contains a password or key.
 */
public class RmcpException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why an exchange failed. */
  public enum Failure {
    /** Nothing ever came back from the BMC (wrong address, port, LAN channel off, firewall). */
    NO_ANSWER,
    /** The BMC answered earlier in this session, then stopped answering within the bound. */
    TIMEOUT,
    /** The BMC refused the user name, the password or the requested privilege. */
    AUTHENTICATION,
    /** The BMC accepts none of the offered cipher suites. */
    CIPHER_SUITE_REFUSED,
    /** The BMC supports none of the IPMI 1.5 authentication types this client may use. */
    AUTH_TYPE_REFUSED,
    /** The BMC completed the command with a non-zero completion code. */
    COMPLETION_CODE,
    /** The BMC sent something that does not follow the protocol. */
    PROTOCOL,
    /** The host name cannot be resolved or the socket cannot be used. */
    NETWORK,
    /** The calling thread was interrupted while waiting. */
    INTERRUPTED
  }

  private final Failure failure;
  private final int completionCode;

  /** Creates an exception without a completion code. */
  public RmcpException(Failure failure, String message) {
    this(failure, message, -1, null);
  }

  /** Creates an exception with a cause. */
  public RmcpException(Failure failure, String message, Throwable cause) {
    this(failure, message, -1, cause);
  }

  private RmcpException(Failure failure, String message, int completionCode, Throwable cause) {
    super(message, cause);
    this.failure = failure;
    this.completionCode = completionCode;
  }

  /** A command answered with a non-zero completion code. */
  public static RmcpException completionCode(String command, int code) {
    return new RmcpException(
        Failure.COMPLETION_CODE,
        command + " was answered with completion code " + CompletionCodes.describe(code),
        code,
        null);
  }

  /** Why the exchange failed. */
  public Failure failure() {
    return failure;
  }

  /** The IPMI completion code, when {@link #failure()} is {@link Failure#COMPLETION_CODE}. */
  public OptionalInt completionCode() {
    return completionCode < 0 ? OptionalInt.empty() : OptionalInt.of(completionCode);
  }
}
