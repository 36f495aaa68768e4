package io.ecokube.kafka.lag;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.PartitionLag;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * KEDA's per-partition rules on hand-computed offsets. Partitions: p0 end 10 committed 4 (lag 6),
 * p1 end 5 committed 5 (lag 0), p2 end 0 never committed, p3 end 7 never committed.
 */
class LagCalculatorTest {
  static final LagTarget T = new LagTarget("uploads", "workers");
  static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  static final TreeMap<Integer, Long> ENDS = new TreeMap<>(Map.of(0, 10L, 1, 5L, 2, 0L, 3, 7L));
  static final Map<Integer, Long> COMMITS = Map.of(0, 4L, 1, 5L);

  static LagCalculator calc(UnaryOperator<KafkaLagSettings.Builder> s) {
    return new LagCalculator(
        s.apply(KafkaLagSettings.builder("x:1").target("uploads", "workers")).build());
  }

  @Test
  void latestCountsOnePerPartitionWithoutCommit() {
    BacklogReading r = calc(b -> b).compute(T, AT, ENDS, COMMITS, Optional.empty());
    assertThat(r.partitions()).extracting(PartitionLag::lag).containsExactly(6L, 0L, 1L, 1L);
    assertThat(r.totalLag()).isEqualTo(8);
    assertThat(r.producedRecords()).isEqualTo(22);
    assertThat(r.partitionCount()).isEqualTo(4);
    assertThat(r.partitions().get(2).committedOffset()).isEmpty();
    assertThat(r.partitions().get(0).committedOffset()).hasValue(4);
  }

  @Test
  void earliestCountsTheWholeLogWithoutCommit() {
    BacklogReading r =
        calc(b -> b.offsetResetPolicy(OffsetResetPolicy.EARLIEST))
            .compute(T, AT, ENDS, COMMITS, Optional.empty());
    assertThat(r.partitions()).extracting(PartitionLag::lag).containsExactly(6L, 0L, 0L, 7L);
    assertThat(r.totalLag()).isEqualTo(13);
  }

  @Test
  void scaleToZeroOnInvalidOffsetCountsZeroUnderEitherPolicy() {
    for (OffsetResetPolicy p : OffsetResetPolicy.values()) {
      BacklogReading r =
          calc(b -> b.offsetResetPolicy(p).scaleToZeroOnInvalidOffset(true))
              .compute(T, AT, ENDS, COMMITS, Optional.empty());
      assertThat(r.totalLag()).as(p.name()).isEqualTo(6);
    }
  }

  @Test
  void excludePersistentLagDropsPartitionsWhoseCommitDidNotMove() {
    LagCalculator c = calc(b -> b.excludePersistentLag(true));
    assertThat(c.compute(T, AT, ENDS, COMMITS, Optional.empty()).totalLag())
        .as("first poll: nothing to compare with")
        .isEqualTo(8);
    BacklogReading second = c.compute(T, AT, ENDS, COMMITS, Optional.empty());
    assertThat(second.partitions()).extracting(PartitionLag::lag).containsExactly(0L, 0L, 1L, 1L);
    assertThat(second.partitions().get(0).logEndOffset() - 4).isEqualTo(6);
    BacklogReading moved = c.compute(T, AT, ENDS, Map.of(0, 8L, 1, 5L), Optional.empty());
    assertThat(moved.partitions()).extracting(PartitionLag::lag).containsExactly(2L, 0L, 1L, 1L);
  }

  @Test
  void aCommitBeyondTheEndCountsZeroNotNegative() {
    BacklogReading r =
        calc(b -> b).compute(T, AT, new TreeMap<>(Map.of(0, 3L)), Map.of(0, 9L), Optional.empty());
    assertThat(r.totalLag()).isZero();
  }

  @Test
  void anUnknownGroupStillCountsButIsStale() {
    BacklogReading r = calc(b -> b).compute(T, AT, ENDS, Map.of(), Optional.of("group unknown"));
    assertThat(r.stale()).isTrue();
    assertThat(r.totalLag()).isEqualTo(4);
  }
}
