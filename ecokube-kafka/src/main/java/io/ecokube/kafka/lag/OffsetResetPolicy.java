package io.ecokube.kafka.lag;

/**
 * How a partition where the consumer group has no committed offset counts, as in KEDA's Kafka
 * scaler ({@code offsetResetPolicy}). Match it to the consumers' own {@code auto.offset.reset}.
 */
public enum OffsetResetPolicy {
  /**
   * The consumers will start at the end of the log, so the backlog is unknown but non-zero: the
   * partition counts a lag of 1 (0 with {@code scaleToZeroOnInvalidOffset}), which is enough to
   * start one consumer that then commits. KEDA's default.
   */
  LATEST,
  /**
   * The consumers will read the whole log: the partition counts its log-end offset as lag (0 with
   * {@code scaleToZeroOnInvalidOffset}). Like KEDA, the log-start offset is not subtracted.
   */
  EARLIEST
}
