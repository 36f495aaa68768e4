package io.ecokube.kafka.events;

/** A scale-event record could not be read; the message says which field is wrong and why. */
public final class MalformedScaleEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception. */
  public MalformedScaleEventException(String message) {
    super(message);
  }

  /** Creates an exception with a cause. */
  public MalformedScaleEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
