package io.ecokube.kafka.events;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler;

/**
 * The de-duplication wrapper under its old name, kept so that existing wiring compiles while it
 * moves to the shared one.
 *
 * @deprecated use {@link io.ecokube.api.demand.DeduplicatingScaleEventHandler}, which the Kafka and
 *     Redis sources share
 */
@Deprecated(forRemoval = true)
public final class DeduplicatingScaleEventHandler implements ScaleEventHandler {
  private final io.ecokube.api.demand.DeduplicatingScaleEventHandler shared;

  /** Wraps a handler, remembering the default number of task ids. */
  public DeduplicatingScaleEventHandler(ScaleEventHandler delegate) {
    this.shared = new io.ecokube.api.demand.DeduplicatingScaleEventHandler(delegate);
  }

  @Override
  public Acceptance accept(ScaleEvent event) {
    return shared.accept(event);
  }
}
