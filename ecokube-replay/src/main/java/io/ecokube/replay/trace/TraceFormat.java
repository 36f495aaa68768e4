package io.ecokube.replay.trace;

import java.nio.file.Path;
import java.util.Locale;

/** The trace formats the replay tool reads. */
public enum TraceFormat {
  /**
   * Arrivals per interval: CSV {@code t_seconds,count}; each job gets the runtime and cores given
   * in {@link TraceReader.Options}.
   */
  COUNTS,
  /** A job list: CSV {@code submit_s,runtime_s,cores[,memory_mb]}. */
  JOBS,
  /**
   * The Standard Workload Format of the Parallel Workloads Archive: 18 whitespace-separated fields,
   * {@code ;} comment lines; field 2 submit, 4 run time, 5 allocated processors (8, requested, when
   * 5 is -1), 10 requested memory in KB per processor.
   */
  SWF,
  /**
   * Azure's LLM inference trace: CSV {@code TIMESTAMP,ContextTokens,GeneratedTokens}; runtime from
   * the token counts at the prefill and decode rates of {@link TraceReader.Options}.
   */
  AZURE_LLM;

  /**
   * Guesses the format from a file name ({@code .swf}, {@code .swf.gz}, ...) and its header line.
   */
  public static TraceFormat detect(Path file, String firstLine) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".swf") || name.endsWith(".swf.gz")) {
      return SWF;
    }
    String header = firstLine == null ? "" : firstLine.trim().toLowerCase(Locale.ROOT);
    if (header.startsWith("timestamp,contexttokens")) {
      return AZURE_LLM;
    }
    if (header.startsWith("t_seconds")) {
      return COUNTS;
    }
    if (header.startsWith("submit_s")) {
      return JOBS;
    }
    int commas = header.length() - header.replace(",", "").length();
    return commas == 1 ? COUNTS : JOBS;
  }
}
