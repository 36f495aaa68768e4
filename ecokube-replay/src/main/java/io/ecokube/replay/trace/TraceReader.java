package io.ecokube.replay.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPInputStream;

/**
 * Reads workload traces. Every line that does not become a job is reported with its number and the
 * reason, in {@link Trace#problems()}; a file with no usable job at all is an error.
 */
public final class TraceReader {

  /**
   * Defaults for formats that do not carry every field.
   *
   * @param countsRuntime the runtime of each job of a {@link TraceFormat#COUNTS} trace
   * @param countsCores the cores of each job of a counts trace
   * @param prefillTokensPerSecond LLM prompt processing speed, for {@link TraceFormat#AZURE_LLM}
   * @param decodeTokensPerSecond LLM generation speed, for Azure traces
   * @param llmCores the cores an LLM request occupies
   */
  public record Options(
      Duration countsRuntime,
      int countsCores,
      double prefillTokensPerSecond,
      double decodeTokensPerSecond,
      int llmCores) {
    /** Validates. */
    public Options {
      Objects.requireNonNull(countsRuntime, "countsRuntime");
      if (countsRuntime.isNegative() || countsRuntime.isZero()) {
        throw new IllegalArgumentException("countsRuntime must be positive");
      }
      if (countsCores < 1 || llmCores < 1) {
        throw new IllegalArgumentException("cores must be at least 1");
      }
      if (!(prefillTokensPerSecond > 0) || !(decodeTokensPerSecond > 0)) {
        throw new IllegalArgumentException("token rates must be positive");
      }
    }

    /** 60 s jobs of 1 core for counts; 4,000 prompt and 40 generated tokens per second for LLMs. */
    public static Options defaults() {
      return new Options(Duration.ofSeconds(60), 1, 4000, 40, 1);
    }
  }

  private static final DateTimeFormatter AZURE_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter();

  private final Options options;

  /** A reader with these defaults. */
  public TraceReader(Options options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Reads a file, detecting its format; {@code .gz} files are decompressed. */
  public Trace read(Path file) throws IOException {
    return read(file, Optional.empty());
  }

  /** Reads a file in the given format, or detects it when empty. */
  public Trace read(Path file, Optional<TraceFormat> format) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("trace file " + file + " does not exist or is not a file");
    }
    List<String> lines = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    TraceFormat f =
        format.orElseGet(() -> TraceFormat.detect(file, lines.isEmpty() ? "" : lines.get(0)));
    Trace t = parse(file.getFileName().toString(), f, lines);
    if (t.jobs().isEmpty()) {
      throw new IOException(
          "trace "
              + file
              + " ("
              + f
              + ") has no usable job"
              + (t.problems().isEmpty() ? "" : "; first problem: " + t.problems().get(0)));
    }
    return t;
  }

  /** Parses lines already read. */
  public Trace parse(String source, TraceFormat format, List<String> lines) {
    List<TraceJob> jobs = new ArrayList<>();
    List<TraceProblem> problems = new ArrayList<>();
    LocalDateTime[] azureStart = new LocalDateTime[1];
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
        continue;
      }
      if (lineNo == 1 && isHeader(format, line)) {
        continue;
      }
      try {
        switch (format) {
          case COUNTS -> counts(line, lineNo, jobs);
          case JOBS -> jobs.add(job(line, lineNo));
          case SWF -> jobs.add(swf(line, lineNo));
          case AZURE_LLM -> jobs.add(azure(line, lineNo, azureStart));
        }
      } catch (BadLine e) {
        problems.add(new TraceProblem(lineNo, cut(line), e.getMessage(), e.kind));
      }
    }
    return new Trace(source + " (" + format + ")", jobs, problems);
  }

  private static boolean isHeader(TraceFormat format, String line) {
    return format != TraceFormat.SWF && !Character.isDigit(line.charAt(0));
  }

  private void counts(String line, int lineNo, List<TraceJob> out) throws BadLine {
    String[] f = fields(line, ",", 2, 2, "t_seconds,count");
    double t = number(f[0], "t_seconds");
    long n = whole(f[1], "count");
    if (t < 0) {
      throw new BadLine("negative time", "t_seconds " + f[0] + " is negative");
    }
    if (n < 0) {
      throw new BadLine("negative count", "count " + f[1] + " is negative");
    }
    for (long k = 0; k < n; k++) {
      out.add(
          new TraceJob(
              "L" + lineNo + "#" + k,
              seconds(t),
              options.countsRuntime(),
              options.countsCores(),
              OptionalLong.empty()));
    }
  }

  private static TraceJob job(String line, int lineNo) throws BadLine {
    String[] f = fields(line, ",", 3, 4, "submit_s,runtime_s,cores[,memory_mb]");
    double submit = number(f[0], "submit_s");
    double runtime = number(f[1], "runtime_s");
    long cores = whole(f[2], "cores");
    OptionalLong mem =
        f.length == 4 ? OptionalLong.of(whole(f[3], "memory_mb")) : OptionalLong.empty();
    return checked("L" + lineNo, submit, runtime, cores, mem);
  }

  private static TraceJob swf(String line, int lineNo) throws BadLine {
    String[] f = line.split("\\s+");
    if (f.length < 18) {
      throw new BadLine("wrong number of fields", "SWF needs 18 fields, found " + f.length);
    }
    double submit = number(f[1], "submit time (field 2)");
    double runtime = number(f[3], "run time (field 4)");
    long procs = whole(f[4], "allocated processors (field 5)");
    if (procs == -1) {
      procs = whole(f[7], "requested processors (field 8)");
    }
    if (runtime == -1) {
      throw new BadLine("unknown run time", "run time unknown (-1)");
    }
    if (procs == -1) {
      throw new BadLine(
          "unknown processor count", "processor count unknown (-1 in fields 5 and 8)");
    }
    long memKbPerProc = whole(f[9], "requested memory (field 10)");
    OptionalLong mem =
        memKbPerProc > 0
            ? OptionalLong.of(Math.max(1, memKbPerProc * procs / 1024))
            : OptionalLong.empty();
    return checked(f[0], submit, runtime, procs, mem);
  }

  private TraceJob azure(String line, int lineNo, LocalDateTime[] start) throws BadLine {
    String[] f = fields(line, ",", 3, 3, "TIMESTAMP,ContextTokens,GeneratedTokens");
    LocalDateTime t;
    try {
      t = LocalDateTime.parse(f[0], AZURE_TIME);
    } catch (DateTimeParseException e) {
      throw new BadLine(
          "unreadable timestamp", "TIMESTAMP '" + f[0] + "' is not yyyy-MM-dd HH:mm:ss.fffffff");
    }
    if (start[0] == null) {
      start[0] = t;
    }
    long ctx = whole(f[1], "ContextTokens");
    long gen = whole(f[2], "GeneratedTokens");
    if (ctx < 0 || gen < 0) {
      throw new BadLine("negative token count", "token counts must not be negative");
    }
    Duration submit = Duration.between(start[0], t);
    if (submit.isNegative()) {
      throw new BadLine(
          "timestamp before the first request",
          "TIMESTAMP goes back in time before the first request");
    }
    double runtime = ctx / options.prefillTokensPerSecond() + gen / options.decodeTokensPerSecond();
    return checked(
        "L" + lineNo,
        submit.toNanos() / 1e9,
        Math.max(runtime, 0.001),
        options.llmCores(),
        OptionalLong.empty());
  }

  private static TraceJob checked(
      String id, double submit, double runtime, long cores, OptionalLong mem) throws BadLine {
    if (submit < 0) {
      throw new BadLine("negative submit time", "submit time " + submit + " is negative");
    }
    if (!(runtime > 0)) {
      throw new BadLine("non-positive run time", "runtime " + runtime + " is not positive");
    }
    if (cores < 1 || cores > Integer.MAX_VALUE) {
      throw new BadLine(
          "non-positive processor count", "cores " + cores + " is not a positive count");
    }
    if (mem.isPresent() && mem.getAsLong() < 0) {
      throw new BadLine("negative memory", "memory " + mem.getAsLong() + " is negative");
    }
    return new TraceJob(id, seconds(submit), seconds(runtime), (int) cores, mem);
  }

  private static Duration seconds(double s) {
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  private static String[] fields(String line, String sep, int min, int max, String expected)
      throws BadLine {
    String[] f = line.split(sep, -1);
    if (f.length < min || f.length > max) {
      throw new BadLine(
          "wrong number of fields", "expected " + expected + " but found " + f.length + " fields");
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = f[i].trim();
    }
    return f;
  }

  private static double number(String s, String what) throws BadLine {
    try {
      double v = Double.parseDouble(s);
      if (!Double.isFinite(v)) {
        throw new BadLine("not a number", what + " '" + s + "' is not a finite number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new BadLine("not a number", what + " '" + s + "' is not a number");
    }
  }

  private static long whole(String s, String what) throws BadLine {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(s);
        if (d == Math.rint(d) && Double.isFinite(d)) {
          return (long) d;
        }
      } catch (NumberFormatException ignored) {
        // fall through to the error below, which names the field
      }
      throw new BadLine("not a whole number", what + " '" + s + "' is not a whole number");
    }
  }

  private static String cut(String line) {
    return line.length() <= 120 ? line : line.substring(0, 117) + "...";
  }

  /** A line that cannot become a job; its message becomes the problem's reason. */
  private static final class BadLine extends Exception {
    private static final long serialVersionUID = 1L;

    final String kind;

    BadLine(String kind, String reason) {
      super(reason);
      this.kind = kind;
    }
  }
}
