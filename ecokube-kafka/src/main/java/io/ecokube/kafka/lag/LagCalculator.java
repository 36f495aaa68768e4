package io.ecokube.kafka.lag;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * Turns offsets into a {@link BacklogReading} with KEDA's per-partition rules. Pure apart from the
 * committed offsets it remembers between polls for {@code excludePersistentLag}. Not thread-safe:
 * the source calls it under its own lock.
 */
final class LagCalculator {
  private final KafkaLagSettings settings;
  private final Map<LagTarget, Map<Integer, Long>> previousCommitted = new HashMap<>();

  LagCalculator(KafkaLagSettings settings) {
    this.settings = settings;
  }

  /**
   * One reading.
   *
   * @param endOffsets log-end offset per partition, every partition the topic has now
   * @param committed the group's committed offset per partition; a partition without one is absent
   * @param staleReason set when the group is unknown: the lag is still counted (so a backlog can
   *     start the first consumer, as in KEDA) but the reading must not allow a scale-down
   */
  BacklogReading compute(
      LagTarget target,
      Instant at,
      SortedMap<Integer, Long> endOffsets,
      Map<Integer, Long> committed,
      Optional<String> staleReason) {
    Map<Integer, Long> previous = previousCommitted.computeIfAbsent(target, t -> new HashMap<>());
    previous.keySet().retainAll(endOffsets.keySet());
    List<PartitionLag> partitions = new ArrayList<>(endOffsets.size());
    long total = 0;
    long produced = 0;
    for (Map.Entry<Integer, Long> e : endOffsets.entrySet()) {
      int partition = e.getKey();
      long end = Math.max(0, e.getValue());
      Long commit = committed.get(partition);
      long lag;
      if (commit == null || commit < 0) {
        lag = lagWithoutCommit(end);
        partitions.add(new PartitionLag(target.topic(), partition, end, OptionalLong.empty(), lag));
      } else {
        lag = Math.max(0, end - commit);
        if (settings.excludePersistentLag()) {
          Long before = previous.put(partition, commit);
          if (before != null && before.longValue() == commit) {
            // The group did not move here since the last poll: likely a poison record. More
            // replicas would not help, so this partition does not count for scaling.
            lag = 0;
          }
        }
        partitions.add(
            new PartitionLag(target.topic(), partition, end, OptionalLong.of(commit), lag));
      }
      total += lag;
      produced += end;
    }
    return new BacklogReading(
        target.group(), target.topic(), at, partitions, total, produced, staleReason);
  }

  private long lagWithoutCommit(long end) {
    if (settings.scaleToZeroOnInvalidOffset()) {
      return 0;
    }
    return settings.offsetResetPolicy() == OffsetResetPolicy.LATEST ? 1 : end;
  }

  /** Forgets remembered offsets of a target whose topic vanished, so a new topic starts fresh. */
  void forget(LagTarget target) {
    previousCommitted.remove(target);
  }
}
