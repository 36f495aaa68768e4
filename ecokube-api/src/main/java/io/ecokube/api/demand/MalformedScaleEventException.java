package io.ecokube.api.demand;

import java.util.Optional;

/**
 * A scale event could not be read. The message names the wrong field (as the producer spelled it),
 * the value found and what is allowed; a source dead-letters the event with this message as the
 * reason and never retries it, since the same bytes will fail the same way.
 */
public final class MalformedScaleEventException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;

  /** An event that is wrong as a whole (not an object, too large, ...). */
  public MalformedScaleEventException(String message) {
    super(message);
    this.field = null;
  }

  /** An event whose field {@code field} is wrong; the message must name it. */
  public MalformedScaleEventException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** An event that is wrong as a whole, with the parser's exception as the cause. */
  public MalformedScaleEventException(String message, Throwable cause) {
    super(message, cause);
    this.field = null;
  }

  /** The field that is wrong, when one field is to blame. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
