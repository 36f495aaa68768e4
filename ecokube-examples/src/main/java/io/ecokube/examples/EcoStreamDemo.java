package io.ecokube.examples;

import io.ecokube.core.sim.SimulationReport;
import io.ecokube.core.sim.TimelineEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the {@link EcoStreamScenario} on the simulator and prints its timeline and an energy, cost
 * and CO2 summary against an always-on cluster. Exits 0 when the scenario kept its promise (every
 * video transcoded, worker-2 off again, less energy than always-on), 1 otherwise.
 *
 * <p>Optional argument: a path to write the full timeline CSV to.
 */
public final class EcoStreamDemo {
  /** Per-job events, which do not break a run of scaling steps. */
  private static final Set<String> JOB_KINDS = Set.of("ARRIVED", "STARTED", "DONE");

  private EcoStreamDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws IOException {
    PrintStream out = System.out;
    out.println("Eco-Stream: video uploads on bare metal, the GPU worker powered only when needed");
    out.println("(simulated cluster on virtual time; see eco-stream.yaml for the nodes)");
    out.println();
    SimulationReport report = EcoStreamScenario.builder().build().run();
    printTimeline(out, report);
    out.println();
    out.println(report.summary());
    if (args.length > 0) {
      report.writeTimelineCsv(Path.of(args[0]));
      out.println("timeline written to " + args[0]);
    }
    if (!EcoStreamScenario.succeeded(report)) {
      out.println("Eco-Stream scenario FAILED: not every video done, worker-2 on, or no saving.");
      System.exit(1);
    }
    out.println("Eco-Stream scenario complete.");
  }

  /** Prints the lines a person wants: uploads in bulk, scaling, engine actions, node states. */
  static void printTimeline(PrintStream out, SimulationReport r) {
    int arrived = 0;
    int done = 0;
    boolean firstStart = true;
    List<TimelineEvent> events = r.timeline();
    for (int i = 0; i < events.size(); i++) {
      TimelineEvent e = events.get(i);
      switch (e.kind()) {
        case "ARRIVED" -> {
          arrived++;
          if (arrived == 1) {
            line(out, r.start(), e.at(), "uploads", "first video uploaded -> queue backlog grows");
          } else if (arrived == r.jobsSubmitted()) {
            line(out, r.start(), e.at(), "uploads", "all " + arrived + " videos uploaded");
          }
        }
        case "STARTED" -> {
          if (firstStart) {
            line(out, r.start(), e.at(), e.subject(), "transcoding started " + e.detail());
            firstStart = false;
          }
        }
        case "DONE" -> {
          done++;
          if (done % 10 == 0 || done == r.jobsSubmitted()) {
            line(out, r.start(), e.at(), "jobs", done + "/" + r.jobsSubmitted() + " transcoded");
          }
        }
        case "SCALED" -> {
          // A burst scales up step by step; print where each run of steps starts and ends.
          boolean runContinues =
              nextOfInterest(events, i).map(n -> n.kind().equals("SCALED")).orElse(false);
          boolean runStarts =
              previousOfInterest(events, i).map(p -> !p.kind().equals("SCALED")).orElse(true);
          if (runStarts || !runContinues) {
            line(out, r.start(), e.at(), e.subject(), e.kind() + " " + e.detail());
          }
        }
        case "ACTION", "STATE", "OUTCOME", "INTERRUPTED" ->
            line(out, r.start(), e.at(), e.subject(), e.kind() + " " + e.detail());
        default -> {
          // other kinds are in the CSV only
        }
      }
    }
  }

  private static Optional<TimelineEvent> nextOfInterest(List<TimelineEvent> events, int i) {
    for (int k = i + 1; k < events.size(); k++) {
      if (!JOB_KINDS.contains(events.get(k).kind())) {
        return Optional.of(events.get(k));
      }
    }
    return Optional.empty();
  }

  private static Optional<TimelineEvent> previousOfInterest(List<TimelineEvent> events, int i) {
    for (int k = i - 1; k >= 0; k--) {
      if (!JOB_KINDS.contains(events.get(k).kind())) {
        return Optional.of(events.get(k));
      }
    }
    return Optional.empty();
  }

  private static void line(PrintStream out, Instant start, Instant at, String who, String what) {
    long s = Duration.between(start, at).toSeconds();
    out.printf(
        Locale.ROOT, "[+%02d:%02d:%02d] %-28s %s%n", s / 3600, (s / 60) % 60, s % 60, who, what);
  }
}
