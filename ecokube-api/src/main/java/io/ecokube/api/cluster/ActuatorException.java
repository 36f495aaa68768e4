package io.ecokube.api.cluster;

/**
 * A cluster action (cordon, drain, scale, ...) failed. The message names the object and the API
 * error and says what to check (RBAC, PodDisruptionBudgets, ...).
 */
public class ActuatorException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception. */
  public ActuatorException(String message) {
    super(message);
  }

  /** Creates an exception with a cause. */
  public ActuatorException(String message, Throwable cause) {
    super(message, cause);
  }
}
