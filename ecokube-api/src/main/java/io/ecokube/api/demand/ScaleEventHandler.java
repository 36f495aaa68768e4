package io.ecokube.api.demand;

/**
 * Takes scale events from a stream (a Kafka topic, a Redis Stream). A source acknowledges an event
 * (commits its offset, {@code XACK}s it) only after the handler returned for it, so events are
 * delivered at least once: a handler records its work durably before it returns, and is idempotent
 * by task id (see {@link DeduplicatingScaleEventHandler}).
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

  /**
   * Handles an event on the source's own thread; a slow handler delays only that source's next
   * events. Throwing means "try again later"; {@link Acceptance#REJECTED} means "never".
   */
  Acceptance accept(ScaleEvent event);
}
