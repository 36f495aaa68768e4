package io.ecokube.kafka.lag;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;

/**
 * Turns offsets into a {@link BacklogReading} with KEDA's per-partition rules. Pure apart from the
 * committed offsets it remembers between polls for {@code excludePersistentLag}. Not thread-safe:
 * the source calls it under its own lock.
 */
final class LagCalculator {
  private final KafkaLagSettings settings;
  private final Map<LagTarget, Map<Integer, Long>> previousCommitted = new HashMap<>();
  // Partitions whose commit had not moved at the last fresh read: they stay excluded until the next
  // fresh read, whatever end offsets arrive meanwhile.
  private final Map<LagTarget, Set<Integer>> stuck = new HashMap<>();

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
    return count(target, at, endOffsets, committed, staleReason, true);
  }

  /**
   * A reading with newer end offsets but the committed offsets of the last {@link #compute} for
   * this target: a poll of the end offsets only. It counts a partition as persistent exactly when
   * the last fresh read did, since a commit that was not read again cannot be said to have moved.
   */
  BacklogReading recompute(
      LagTarget target,
      Instant at,
      SortedMap<Integer, Long> endOffsets,
      Map<Integer, Long> committed,
      Optional<String> staleReason) {
    return count(target, at, endOffsets, committed, staleReason, false);
  }

  private BacklogReading count(
      LagTarget target,
      Instant at,
      SortedMap<Integer, Long> endOffsets,
      Map<Integer, Long> committed,
      Optional<String> staleReason,
      boolean freshCommits) {
    Map<Integer, Long> previous = previousCommitted.computeIfAbsent(target, t -> new HashMap<>());
    Set<Integer> stuckHere = stuck.computeIfAbsent(target, t -> new HashSet<>());
    if (freshCommits) {
      previous.keySet().retainAll(endOffsets.keySet());
      stuckHere.retainAll(endOffsets.keySet());
    }
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
          if (freshCommits) {
            Long before = previous.put(partition, commit);
            if (before != null && before.longValue() == commit) {
              stuckHere.add(partition);
            } else {
              stuckHere.remove(partition);
            }
          }
          if (stuckHere.contains(partition)) {
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
    stuck.remove(target);
  }
}
