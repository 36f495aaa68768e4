package io.ecokube.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

class ReplayCommandTest {
  @TempDir Path dir;

  @BeforeAll
  static void quietEngine() {
    // The engine logs each node transition at INFO; the command's main does the same.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  /** What a command line run printed and returned. */
  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new ReplayCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path cluster() throws IOException {
    Path f = dir.resolve("cluster.yaml");
    Files.writeString(f, ReplayFixtures.CLUSTER_YAML);
    return f;
  }

  @Test
  void syntheticReplayComparesEveryPolicyAndWritesReports() throws Exception {
    Path html = dir.resolve("out/report.html");
    Path csv = dir.resolve("out/summary.csv");
    Path series = dir.resolve("out/series.csv");
    Run r =
        run(
            "--cluster",
            cluster().toString(),
            "--trace",
            "synthetic",
            "--duration",
            "720m",
            "--skip",
            "1800s",
            "--seed",
            "3",
            "--html",
            html.toString(),
            "--csv",
            csv.toString(),
            "--series-csv",
            series.toString());
    assertThat(r.code()).as(r.err()).isZero();
    for (String name :
        List.of(
            "always-on",
            "reactive",
            "idle-timeout",
            "autoscaler",
            "eco-kube default",
            "eco-kube predictive",
            "clairvoyant bound")) {
      assertThat(r.out()).contains(name);
    }
    assertThat(r.out()).contains("wait p95").contains("delayed by boot").contains("kg CO2");
    // The window in the units given, not converted.
    assertThat(r.out()).contains(" from 1800s for 720m");
    // Twelve hours are less than the day of history pre-wake needs: said, not hidden.
    assertThat(r.out())
        .contains("eco-kube predictive (inactive)")
        .contains("note: pre-wake inactive: it needs 1445m of history");

    // Summary CSV: its columns, one row per policy and the bound.
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0))
        .isEqualTo(
            "policy,kwh,pct_always_on,pct_bound,wait_p50_s,wait_p95_s,wait_p99_s,"
                + "jobs_delayed_by_boot,jobs,jobs_completed,cycles_per_node_max,"
                + "cycles_per_node_mean,cost,kg_co2");
    Map<String, String[]> rows = new HashMap<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",", -1);
      assertThat(f).hasSize(14);
      rows.put(f[0], f);
    }
    assertThat(rows.keySet())
        .containsExactlyInAnyOrder(
            "always-on",
            "reactive",
            "idle-timeout",
            "autoscaler",
            "eco-default",
            "eco-predictive",
            "clairvoyant");
    double bound = Double.parseDouble(rows.get("clairvoyant")[1]);
    for (String[] f : rows.values()) {
      assertThat(Double.parseDouble(f[1])).as(f[0]).isGreaterThanOrEqualTo(bound);
    }
    String[] alwaysOn = rows.get("always-on");
    assertThat(alwaysOn[2]).isEqualTo("100.00");
    assertThat(alwaysOn[7]).as("always-on boot delays").isEqualTo("0");
    assertThat(alwaysOn[10]).as("always-on cycles").isEqualTo("0");
    assertThat(Integer.parseInt(rows.get("reactive")[10])).isPositive();

    // Series CSV: its columns, every policy.
    List<String> s = Files.readAllLines(series);
    assertThat(s.get(0)).isEqualTo("policy,t_seconds,power_w,nodes_on,backlog_pods");
    assertThat(s.stream().skip(1).map(l -> l.split(",")[0]).distinct())
        .hasSize(6)
        .contains("always-on", "eco-predictive");

    // HTML: well-formed, self-contained, with the charts.
    String page = Files.readString(html);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc =
        f.newDocumentBuilder()
            .parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getElementsByTagName("svg").getLength()).isEqualTo(5);
    assertThat(doc.getElementsByTagName("table").getLength()).isEqualTo(1);
    assertThat(doc.getElementsByTagName("tr").getLength()).isEqualTo(8);
    assertThat(page).doesNotContain("http://").doesNotContain("https://");
    assertThat(page).doesNotContain(" src=").doesNotContain("<script").doesNotContain("<link");
  }

  @Test
  void sameSeedSameResultOtherSeedOtherTrace() throws Exception {
    String c = cluster().toString();
    String[] base = {"--cluster", c, "--trace", "synthetic", "--duration", "6h", "--policies"};
    Run a = run(concat(base, "reactive,eco-default,clairvoyant", "--seed", "11"));
    Run b = run(concat(base, "reactive,eco-default,clairvoyant", "--seed", "11"));
    Run other = run(concat(base, "reactive,eco-default,clairvoyant", "--seed", "12"));
    assertThat(a.code()).isZero();
    assertThat(b.out()).isEqualTo(a.out());
    assertThat(other.out()).isNotEqualTo(a.out());
  }

  @Test
  void jobListTraceWithBadLinesReportsThemByLineNumber() throws Exception {
    Path trace = dir.resolve("jobs.csv");
    Files.writeString(
        trace,
        "submit_s,runtime_s,cores\n"
            + "0,600,2\n"
            + "60,abc,1\n"
            + "120,300,9\n"
            + "180,300\n"
            + "240,0,1\n"
            + "300,xyz,1\n"
            + "3600,600,1\n");
    Run r =
        run(
            "--cluster", cluster().toString(),
            "--trace", trace.toString(),
            "--policies", "reactive,clairvoyant");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("4 line(s)").contains("line 3:").contains("line 5:");
    assertThat(r.err()).contains("runtime_s 'abc' is not a number");
    // Counted by what was wrong, most frequent first.
    assertThat(r.err())
        .contains("(2 not a number, 1 wrong number of fields, 1 non-positive run time)");
    // The 9-core job becomes three pods on 4-core nodes: 3 jobs, 5 pods.
    assertThat(r.out()).contains("replayed 3 jobs (5 pods)");
    assertThat(r.out())
        .contains(
            "note: 4 trace line(s) skipped (2 not a number, 1 wrong number of fields, 1"
                + " non-positive run time), first: line 3");

    // A window past the last job selects nothing: an error saying where the jobs are.
    Run empty =
        run(
            "--cluster",
            cluster().toString(),
            "--trace",
            trace.toString(),
            "--skip",
            "120m",
            "--policies",
            "reactive");
    assertThat(empty.code()).isEqualTo(1);
    assertThat(empty.out()).doesNotContain("reactive");
    assertThat(empty.err())
        .contains("the window --skip 120m selects no job of " + trace)
        .contains("submitted from 0s (0 s) to 1h00m (3600 s) after its start");
  }

  @Test
  void commandLineErrorsExitWithTwoAndSayWhatIsWrong() throws Exception {
    String c = cluster().toString();
    Run missing = run("--trace", "synthetic");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--cluster");

    Run policy = run("--cluster", c, "--trace", "synthetic", "--policies", "reactive,lazy");
    assertThat(policy.code()).isEqualTo(2);
    assertThat(policy.err()).contains("unknown policy 'lazy'").contains("eco-predictive");

    Run duration = run("--cluster", c, "--trace", "synthetic", "--duration", "a week");
    assertThat(duration.code()).isEqualTo(2);
    assertThat(duration.err())
        .contains("--duration")
        .contains("'a week' is not a duration; use e.g. 500ms, 30s, 10m, 2h, 1d or PT30S");

    Run huge = run("--cluster", c, "--trace", "synthetic", "--skip", "1000000000000d");
    assertThat(huge.code()).isEqualTo(2);
    assertThat(huge.err()).contains("--skip").contains("longer than the limit of 36500d");

    Run format = run("--cluster", c, "--trace", "x.csv", "--format", "parquet");
    assertThat(format.code()).isEqualTo(2);
    assertThat(format.err()).contains("--format 'parquet'").contains("swf");

    Run level = run("--cluster", c, "--trace", "synthetic", "--level", "1.5");
    assertThat(level.code()).isEqualTo(2);
    assertThat(level.err()).contains("--level");
  }

  @Test
  void unusableInputExitsWithOneAndNamesTheProblem() throws Exception {
    String c = cluster().toString();
    Run noTrace = run("--cluster", c, "--trace", dir.resolve("nope.swf").toString());
    assertThat(noTrace.code()).isEqualTo(1);
    assertThat(noTrace.err()).contains("nope.swf").contains("does not exist");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "nodes: 4\ncores: 4\npower: {offWatts: 50, idleWatts: 40}\n");
    Run badCluster = run("--cluster", bad.toString(), "--trace", "synthetic");
    assertThat(badCluster.code()).isEqualTo(1);
    assertThat(badCluster.err()).contains("bad.yaml").contains("idleWatts");

    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "submit_s,runtime_s,cores\nx,y,z\n");
    Run noJobs = run("--cluster", c, "--trace", empty.toString());
    assertThat(noJobs.code()).isEqualTo(1);
    assertThat(noJobs.err()).contains("no usable job").contains("line 2");
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(Arrays.asList(a));
    all.addAll(Arrays.asList(b));
    return all.toArray(new String[0]);
  }
}
