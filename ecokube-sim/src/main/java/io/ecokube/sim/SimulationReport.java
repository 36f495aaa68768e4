package io.ecokube.sim;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeTransition;
import io.ecokube.core.energy.EnergyReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a simulation produced.
 *
 * @param start when it started
 * @param end when it stopped
 * @param energy the energy account, beside always-on
 * @param jobsSubmitted jobs that arrived
 * @param jobsCompleted jobs that finished
 * @param waits how long each started job waited from arrival to start, in arrival order
 * @param powerCycles per node, how often it was woken (entered BOOTING)
 * @param transitions every lifecycle change the engine reported, in order
 * @param timeline every event, in order
 */
public record SimulationReport(
    Instant start,
    Instant end,
    EnergyReport energy,
    int jobsSubmitted,
    int jobsCompleted,
    List<Duration> waits,
    Map<String, Integer> powerCycles,
    List<NodeTransition> transitions,
    List<TimelineEvent> timeline) {
  /** Validates and copies. */
  public SimulationReport {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(energy, "energy");
    waits = List.copyOf(waits);
    powerCycles = Map.copyOf(powerCycles);
    transitions = List.copyOf(transitions);
    timeline = List.copyOf(timeline);
  }

  /** The wait at a percentile in (0, 100], nearest rank; zero when no job started. */
  public Duration waitPercentile(double percentile) {
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
    if (waits.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = new ArrayList<>(waits);
    sorted.sort(null);
    int rank = (int) Math.ceil(percentile / 100 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  /** The lifecycle states a node went through, starting with the state it was first seen in. */
  public List<NodeLifecycle> states(String node) {
    List<NodeLifecycle> out = new ArrayList<>();
    for (NodeTransition t : transitions) {
      if (!t.node().equals(node)) {
        continue;
      }
      if (out.isEmpty()) {
        out.add(t.from());
      }
      out.add(t.to());
    }
    return out;
  }

  /** Writes the timeline as CSV: time, seconds since start, kind, subject, detail, watts. */
  public void writeTimelineCsv(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("time,seconds,kind,subject,detail,watts,always_on_watts\n");
      for (TimelineEvent e : timeline) {
        w.write(
            String.format(
                Locale.ROOT,
                "%s,%.3f,%s,%s,%s,%.1f,%.1f%n",
                e.at(),
                Duration.between(start, e.at()).toMillis() / 1000.0,
                e.kind(),
                csv(e.subject()),
                csv(e.detail()),
                e.watts(),
                e.alwaysOnWatts()));
      }
    }
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  /** A few lines for people: jobs, waits, cycles, energy. */
  public String summary() {
    return String.format(
            Locale.ROOT,
            "simulated %s: %d/%d jobs done; wait p50 %.1f s, p95 %.1f s, p99 %.1f s;"
                + " power cycles %s%n",
            Duration.between(start, end),
            jobsCompleted,
            jobsSubmitted,
            waitPercentile(50).toMillis() / 1000.0,
            waitPercentile(95).toMillis() / 1000.0,
            waitPercentile(99).toMillis() / 1000.0,
            new java.util.TreeMap<>(powerCycles))
        + energy.summary();
  }
}
