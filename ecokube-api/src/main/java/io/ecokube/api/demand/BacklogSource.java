package io.ecokube.api.demand;

import java.util.List;

/**
 * Reads backlogs: consumer-group lag from Kafka, a queue depth, ... A failure to read is reported
 * as a {@linkplain BacklogReading#stale() stale} reading, never thrown and never as zero.
 */
public interface BacklogSource extends AutoCloseable {

  /** Reads every configured backlog now. May do I/O: call it off the decision thread. */
  List<BacklogReading> read();

  /** Releases clients. Never throws. */
  @Override
  default void close() {}
}
