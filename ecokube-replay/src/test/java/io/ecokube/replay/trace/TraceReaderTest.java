package io.ecokube.replay.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceReaderTest {
  private final TraceReader reader = new TraceReader(TraceReader.Options.defaults());

  @Test
  void countsBecomeThatManyJobsWithTheDefaultShape() {
    Trace t =
        reader.parse("c", TraceFormat.COUNTS, List.of("t_seconds,count", "0,2", "30.5,1", "60,0"));
    assertThat(t.jobs()).hasSize(3);
    assertThat(t.jobs().get(2).submit()).isEqualTo(Duration.ofMillis(30_500));
    assertThat(t.jobs())
        .allSatisfy(
            j -> {
              assertThat(j.runtime()).isEqualTo(Duration.ofSeconds(60));
              assertThat(j.cores()).isEqualTo(1);
            });
    assertThat(t.problems()).isEmpty();
  }

  @Test
  void jobListsKeepMemoryAndSortBySubmit() {
    Trace t =
        reader.parse(
            "j",
            TraceFormat.JOBS,
            List.of("submit_s,runtime_s,cores,memory_mb", "10,5,2,512", "3,7,1"));
    assertThat(t.jobs())
        .extracting(TraceJob::submit)
        .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(10));
    assertThat(t.jobs().get(1).memoryMb()).isEqualTo(OptionalLong.of(512));
    assertThat(t.jobs().get(0).memoryMb()).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "JOBS|10,abc,1|runtime_s 'abc' is not a number",
        "JOBS|10,5|expected submit_s,runtime_s,cores[,memory_mb] but found 2 fields",
        "JOBS|10,0,1|runtime 0.0 is not positive",
        "JOBS|-4,3,1|submit time -4.0 is negative",
        "JOBS|1,3,0|cores 0 is not a positive count",
        "JOBS|1,3,1.5|cores '1.5' is not a whole number",
        "COUNTS|5,-1|count -1 is negative",
        "COUNTS|x,1|t_seconds 'x' is not a number",
        "SWF|1 0 -1 100 4|SWF needs 18 fields, found 5",
        "SWF|7 10 -1 -1 4 -1 -1 -1 -1 -1 5 1 1 -1 -1 -1 -1 -1|run time unknown (-1)",
        "SWF|8 10 -1 50 -1 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1|processor count unknown (-1 in fields 5 and 8)",
        "AZURE_LLM|yesterday,10,10|TIMESTAMP 'yesterday' is not yyyy-MM-dd HH:mm:ss.fffffff",
      })
  void badLinesAreReportedWithTheirNumberAndReason(TraceFormat format, String line, String reason) {
    Trace t = reader.parse("bad", format, List.of(good(format), line));
    assertThat(t.jobs()).hasSize(1);
    assertThat(t.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(2);
              assertThat(p.reason()).isEqualTo(reason);
            });
  }

  private static String good(TraceFormat f) {
    return switch (f) {
      case COUNTS -> "0,1";
      case JOBS -> "0,10,1";
      case SWF -> "1 0 -1 100 4 -1 -1 -1 -1 -1 1 1 1 -1 -1 -1 -1 -1";
      case AZURE_LLM -> "2023-11-16 18:15:46.6805900,374,44";
    };
  }

  @Test
  void swfUsesRequestedProcessorsWhenAllocatedIsUnknownAndConvertsMemory() {
    Trace t =
        reader.parse(
            "s",
            TraceFormat.SWF,
            List.of("; header", "9 100 -1 60 -1 -1 -1 8 -1 2048 1 1 1 -1 -1 -1 -1 -1"));
    TraceJob j = t.jobs().get(0);
    assertThat(j.id()).isEqualTo("9");
    assertThat(j.cores()).isEqualTo(8);
    assertThat(j.memoryMb()).isEqualTo(OptionalLong.of(16)); // 2048 KB x 8 processors
  }

  @Test
  void azureRuntimeComesFromTokensAndSubmitFromTheFirstTimestamp() {
    Trace t =
        reader.parse(
            "a",
            TraceFormat.AZURE_LLM,
            List.of(
                "TIMESTAMP,ContextTokens,GeneratedTokens",
                "2023-11-16 18:15:46.5000000,4000,40",
                "2023-11-16 18:15:48.0000000,0,80"));
    assertThat(t.jobs().get(0).submit()).isZero();
    assertThat(t.jobs().get(0).runtime()).isEqualTo(Duration.ofSeconds(2)); // 1 s + 1 s
    assertThat(t.jobs().get(1).submit()).isEqualTo(Duration.ofMillis(1500));
    assertThat(t.jobs().get(1).runtime()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void formatIsDetectedFromNameAndHeader() {
    assertThat(TraceFormat.detect(Path.of("x.swf.gz"), "")).isEqualTo(TraceFormat.SWF);
    assertThat(TraceFormat.detect(Path.of("x.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens"))
        .isEqualTo(TraceFormat.AZURE_LLM);
    assertThat(TraceFormat.detect(Path.of("x.csv"), "t_seconds,count"))
        .isEqualTo(TraceFormat.COUNTS);
    assertThat(TraceFormat.detect(Path.of("x.csv"), "0,10,2")).isEqualTo(TraceFormat.JOBS);
  }

  @Test
  void aFileWithoutAnyUsableJobIsAnError(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("empty.csv");
    Files.writeString(f, "submit_s,runtime_s,cores\nfoo,bar,baz\n");
    assertThatThrownBy(() -> reader.read(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has no usable job")
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> reader.read(dir.resolve("missing.csv")))
        .hasMessageContaining("does not exist");
  }

  @Test
  void realTracesFromSharedAreReadWithEveryLineAccountedFor() throws IOException {
    Path shared = Path.of(System.getProperty("ecokube.shared.dir", "../../shared"), "traces");
    Path swf = shared.resolve("NASA-iPSC-1993-3.1-cln.swf.gz");
    Path azure = shared.resolve("AzureLLMInferenceTrace_conv.csv");
    assumeTrue(
        Files.exists(swf) && Files.exists(azure),
        "../shared/traces is absent: the real-trace check is skipped");
    Trace nasa = reader.read(swf, Optional.empty());
    // The README says 18,239 jobs; every data line is either a job or a reported problem.
    assertThat(nasa.jobs().size() + nasa.problems().size()).isEqualTo(18_239);
    assertThat(nasa.jobs().size()).isGreaterThan(18_000);
    assertThat(nasa.span()).isGreaterThan(Duration.ofDays(80));
    Trace llm = reader.read(azure);
    assertThat(llm.jobs().size() + llm.problems().size()).isEqualTo(19_366);
    assertThat(llm.span()).isLessThan(Duration.ofHours(2));
  }
}
