package io.ecokube.api.demand;

/**
 * Takes scale events from a stream. A consumer commits an event's offset only after the handler
 * accepted it, so events are delivered at least once; the handler is idempotent by task id.
 */
@FunctionalInterface
public interface ScaleEventHandler {

  /** What became of an event. */
  enum Acceptance {
    /** Taken into the demand. */
    ACCEPTED,
    /** Seen before (same task id); nothing changed. */
    DUPLICATE,
    /** Not acceptable (unknown workload, ...); the consumer logs and skips it. */
    REJECTED
  }

  /** Handles an event. Must not block on I/O. */
  Acceptance accept(ScaleEvent event);
}
