package io.ecokube.replay.trace;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A workload trace: jobs in submit order, and the lines that could not be read.
 *
 * @param source where it came from (file name, generator and seed)
 * @param jobs the jobs, sorted by submit time
 * @param problems every line that did not become a job
 */
public record Trace(String source, List<TraceJob> jobs, List<TraceProblem> problems) {
  /** Validates, copies and sorts. */
  public Trace {
    Objects.requireNonNull(source, "source");
    jobs =
        jobs.stream()
            .sorted(Comparator.comparing(TraceJob::submit).thenComparing(TraceJob::id))
            .toList();
    problems = List.copyOf(problems);
  }

  /** The submit time of the last job plus its runtime: how long the trace lasts at least. */
  public Duration span() {
    Duration end = Duration.ZERO;
    for (TraceJob j : jobs) {
      Duration e = j.submit().plus(j.runtime());
      if (e.compareTo(end) > 0) {
        end = e;
      }
    }
    return end;
  }

  /**
   * The skipped lines counted by kind, most frequent first: {@code "170 non-positive run time, 3
   * unknown processor count"}; empty when none.
   */
  public String problemCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (TraceProblem p : problems) {
      counts.merge(p.kind(), 1L, Long::sum);
    }
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getValue() + " " + e.getKey())
        .collect(Collectors.joining(", "));
  }

  /** The same jobs, keeping only those submitted before {@code limit}. */
  public Trace truncate(Duration limit) {
    return new Trace(
        source + " (first " + limit + ")",
        jobs.stream().filter(j -> j.submit().compareTo(limit) < 0).toList(),
        problems);
  }
}
