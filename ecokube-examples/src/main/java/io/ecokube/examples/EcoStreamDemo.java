package io.ecokube.examples;

import io.ecokube.sim.SimulationReport;
import io.ecokube.sim.TimelineEvent;
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
 * Runs the {@link EcoStreamScenario} and prints its timeline and an energy, cost and CO2 summary
 * against an always-on cluster. By default the uploads go through a real embedded Kafka broker and
 * worker-2 is a virtual machine driven by the real Wake-on-LAN and SSH drivers ({@link
 * EcoStreamPeers}); with {@code --simulated} everything runs on the simulator. Exits 0 when the
 * scenario kept its promise (every video transcoded, worker-2 off again, less energy than
 * always-on), 1 otherwise.
 */
public final class EcoStreamDemo {
  /** Per-job events, which do not break a run of scaling steps. */
  private static final Set<String> JOB_KINDS = Set.of("ARRIVED", "STARTED", "DONE");

  private EcoStreamDemo() {}

  /**
   * Runs the demo. Arguments: {@code --simulated} runs everything on the simulator (no broker, no
   * sockets); any other argument is a path to write the timeline CSV to.
   */
  public static void main(String[] args) throws IOException {
    boolean simulated = false;
    Path csv = null;
    for (String a : args) {
      if (a.equals("--simulated")) {
        simulated = true;
      } else if (a.startsWith("-")) {
        System.err.println(
            "unknown option " + a + "; usage: EcoStreamDemo [--simulated] [timeline.csv]");
        System.exit(2);
      } else {
        csv = Path.of(a);
      }
    }
    PrintStream out = System.out;
    out.println("Eco-Stream: video uploads on bare metal, the GPU worker powered only when needed");
    SimulationReport report;
    if (simulated) {
      out.println("(everything simulated on virtual time; see eco-stream.yaml for the nodes)");
      out.println();
      report = EcoStreamScenario.builder().build().run();
    } else {
      out.println(
          "(uploads in a real Kafka broker inside this JVM; worker-2 woken by a real Wake-on-LAN"
              + " packet and powered off over real SSH, both on 127.0.0.1; nodes, pods and time"
              + " simulated)");
      out.println();
      try (EcoStreamPeers peers = EcoStreamPeers.start(EcoStreamScenario.loadBundledConfig())) {
        report = peers.configure(EcoStreamScenario.builder()).build().run();
        out.printf(
            Locale.ROOT,
            "worker-2 (virtual node) received %d magic packet(s); broker at %s%n%n",
            peers.worker2().magicPacketsReceived(),
            peers.bootstrapServers());
      }
    }
    printTimeline(out, report);
    out.println();
    out.println(report.summary());
    if (csv != null) {
      report.writeTimelineCsv(csv);
      out.println("timeline written to " + csv);
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
