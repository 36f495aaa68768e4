package io.ecokube.replay;

import io.ecokube.api.time.Clock;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.cluster.ReplayClusterLoader;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.report.CsvReport;
import io.ecokube.replay.report.HtmlReport;
import io.ecokube.replay.report.TextTable;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.Replay;
import io.ecokube.replay.trace.SyntheticTrace;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceFormat;
import io.ecokube.replay.trace.TraceJob;
import io.ecokube.replay.trace.TraceProblem;
import io.ecokube.replay.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code replay}: replays a workload trace against a cluster under several power policies and
 * prints them side by side, with the clairvoyant lower bound (docs/replay.md).
 *
 * <pre>
 * replay --cluster cluster.yaml --trace jobs.swf.gz --duration 7d --html report.html
 * replay --cluster cluster.yaml --trace synthetic --seed 7
 * </pre>
 *
 * <p>Exit codes: 0 done; 1 unusable input (file missing, bad cluster file, trace without a usable
 * job) or an output that could not be written; 2 bad command line.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Replays a workload trace against a cluster and compares power policies side by side:",
      "energy (kWh, % of always-on, % of the clairvoyant bound), job waits, boot delays,",
      "power cycles, cost and CO2."
    })
public final class ReplayCommand implements Callable<Integer> {
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final Duration PROGRESS_LINE_EVERY = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "FILE",
      description = "Cluster YAML: nodes, cores, memory, power profile, accounting.")
  Path cluster;

  @Option(
      names = "--trace",
      required = true,
      paramLabel = "FILE|synthetic",
      description =
          "Trace file (.gz is decompressed), or 'synthetic' for the built-in diurnal trace with"
              + " bursts (2 days unless --duration).")
  String trace;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description = "auto (default), counts, jobs, swf or azure-llm.")
  String format = "auto";

  @Option(
      names = "--policies",
      paramLabel = "LIST",
      description =
          "Comma-separated: always-on, reactive, idle-timeout, autoscaler, eco-default,"
              + " eco-predictive, clairvoyant, or all (default).")
  String policies = "all";

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed of the synthetic trace (default 1). The replay itself is deterministic.")
  long seed = 1;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long to replay and account (e.g. 36h, 7d); jobs submitted later are left out."
              + " Default: the trace's span plus 30 min.")
  Duration duration;

  @Option(
      names = "--skip",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Start this far into the trace (e.g. 14d); earlier jobs are left out.")
  Duration skip = Duration.ZERO;

  @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
  Path html;

  @Option(names = "--csv", paramLabel = "FILE", description = "Write the comparison as CSV here.")
  Path csv;

  @Option(
      names = "--series-csv",
      paramLabel = "FILE",
      description = "Write power, nodes on and backlog over time as CSV here.")
  Path seriesCsv;

  @Option(
      names = "--estimate",
      paramLabel = "upper|mean",
      description = "Pre-wake wakes for the forecast's upper bound (default) or its mean.")
  String estimate = "upper";

  @Option(
      names = "--level",
      paramLabel = "P",
      description =
          "Pre-wake prediction interval level (default 0.4: the upper bound is about the 70th"
              + " percentile; higher wakes earlier and more often).")
  double level = 0.4;

  @Option(
      names = "--sweep",
      description =
          "Instead of the policies' defaults, sweep each parametrised policy's knob (idle timeout,"
              + " autoscaler unneeded time, Eco-Kube idle grace and warm reserve) in parallel and"
              + " report each family's (kWh, p95 wait) frontier.")
  boolean sweep;

  @Option(names = "--no-progress", description = "No progress bar even on a terminal.")
  boolean noProgress;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    if (System.getProperty(LOG_LEVEL) == null) {
      // The engine logs every node transition at INFO: thousands of lines on a replay.
      System.setProperty(LOG_LEVEL, "warn");
    }
    System.exit(new CommandLine(new ReplayCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> keys;
    PreWakeSettings.Estimate est;
    Optional<Duration> horizon;
    Optional<TraceFormat> fmt;
    Duration from;
    try {
      keys = PolicyCatalog.parse(policies);
      est = PreWakeSettings.Estimate.valueOf(estimate.trim().toUpperCase(Locale.ROOT));
      if (duration != null && duration.isZero()) {
        throw new IllegalArgumentException("--duration must be positive, got 0");
      }
      horizon = Optional.ofNullable(duration);
      from = skip;
      fmt = format(format);
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("--level must be in (0, 1), got " + level);
      }
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ReplayCluster c;
    Trace t;
    try {
      c = ReplayClusterLoader.load(cluster);
      t = loadTrace(c, fmt, horizon, err);
    } catch (IOException | IllegalArgumentException e) {
      err.println("replay: " + e.getMessage());
      return 1;
    }
    Trace skipped = from.isZero() ? t : skip(t, from, given("--skip"));
    Trace replayed =
        duration == null
            ? skipped
            : new Trace(
                skipped.source() + " for " + given("--duration"),
                skipped.jobs(),
                skipped.problems());
    Duration h = horizon.orElseGet(() -> Replay.defaultHorizon(replayed));
    if (replayed.jobs().stream().noneMatch(j -> j.submit().compareTo(h) < 0)) {
      err.println("replay: " + emptyWindow(t));
      return 1;
    }
    Replay replay =
        new Replay(
            c,
            Replay.dailyForecaster(),
            lead -> Replay.preWakeSettings(lead, est, level),
            Runtime.getRuntime().availableProcessors());
    // On a terminal the bar redraws in place; otherwise (logs, CI) a line every few seconds.
    ProgressBar bar =
        noProgress
            ? null
            : new ProgressBar(
                System.err, System.console() != null, Clock.system(), PROGRESS_LINE_EVERY);
    long t0 = System.nanoTime();
    if (sweep) {
      String table = Sweep.run(replay, c, replayed, h, bar == null ? (p, f) -> {} : bar);
      if (bar != null) {
        bar.done();
      }
      out.print(table);
      out.flush();
      err.printf(Locale.ROOT, "swept in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      return 0;
    }
    Comparison result = replay.run(replayed, keys, h, bar == null ? (p, f) -> {} : bar);
    if (bar != null) {
      bar.done();
    }
    out.print(TextTable.render(result));
    out.flush();
    err.printf(
        Locale.ROOT,
        "replayed %d policies in %.1f s%n",
        result.results().size(),
        (System.nanoTime() - t0) / 1e9);
    try {
      write(html, HtmlReport.render(result));
      write(csv, CsvReport.summary(result));
      write(seriesCsv, CsvReport.series(result));
    } catch (IOException e) {
      err.println("replay: could not write a report: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  private Trace loadTrace(
      ReplayCluster c, Optional<TraceFormat> fmt, Optional<Duration> horizon, PrintWriter err)
      throws IOException {
    if (trace.equalsIgnoreCase("synthetic")) {
      Duration span = horizon.orElse(Duration.ofDays(2));
      int cores = c.coresPerNode();
      double peak = 4.2 * c.totalCores() / (cores + 1);
      return SyntheticTrace.generate(
          span, peak, 4, Math.max(2, c.nodes()), Duration.ofMinutes(20), cores, seed);
    }
    Trace t = new TraceReader(TraceReader.Options.defaults()).read(Path.of(trace), fmt);
    List<TraceProblem> problems = t.problems();
    if (!problems.isEmpty()) {
      err.println(
          "replay: "
              + problems.size()
              + " line(s) of "
              + trace
              + " skipped ("
              + t.problemCounts()
              + "):");
      problems.stream().limit(10).forEach(p -> err.println("  " + p));
      if (problems.size() > 10) {
        err.println("  ... and " + (problems.size() - 10) + " more");
      }
    }
    return t;
  }

  /** Why the window selects nothing, with where the trace's jobs are, so it can be moved. */
  private String emptyWindow(Trace t) {
    StringBuilder b = new StringBuilder("the window");
    if (!skip.isZero()) {
      b.append(" --skip ").append(given("--skip"));
    }
    if (duration != null) {
      b.append(" --duration ").append(given("--duration"));
    }
    b.append(" selects no job of ").append(trace);
    if (t.jobs().isEmpty()) {
      return b.append(": it has none").toString();
    }
    Duration first = t.jobs().get(0).submit();
    Duration last = t.jobs().get(t.jobs().size() - 1).submit();
    return b.append(
            String.format(
                Locale.ROOT,
                "; its jobs were submitted from %s (%d s) to %s (%d s) after its start:"
                    + " choose --skip below the last",
                TextTable.duration(first.toMillis() / 1000.0),
                first.toSeconds(),
                TextTable.duration(last.toMillis() / 1000.0),
                last.toSeconds()))
        .toString();
  }

  /** An option's value as typed, so the report echoes it in the units given (168h stays 168h). */
  private String given(String option) {
    var matched = spec.commandLine().getParseResult().matchedOption(option);
    return matched == null || matched.stringValues().isEmpty()
        ? option
        : matched.stringValues().get(matched.stringValues().size() - 1).trim();
  }

  private static Trace skip(Trace t, Duration from, String asGiven) {
    List<TraceJob> jobs =
        t.jobs().stream()
            .filter(j -> j.submit().compareTo(from) >= 0)
            .map(
                j ->
                    new TraceJob(
                        j.id(), j.submit().minus(from), j.runtime(), j.cores(), j.memoryMb()))
            .toList();
    return new Trace(t.source() + " from " + asGiven, jobs, t.problems());
  }

  private static Optional<TraceFormat> format(String f) {
    String v = f.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "auto" -> Optional.empty();
      case "counts" -> Optional.of(TraceFormat.COUNTS);
      case "jobs" -> Optional.of(TraceFormat.JOBS);
      case "swf" -> Optional.of(TraceFormat.SWF);
      case "azure-llm", "azure" -> Optional.of(TraceFormat.AZURE_LLM);
      default ->
          throw new IllegalArgumentException(
              "--format '" + f + "' is not one of auto, counts, jobs, swf, azure-llm");
    };
  }

  private static void write(Path file, String text) throws IOException {
    if (file != null) {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }
  }
}
