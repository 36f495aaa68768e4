package io.ecokube.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep's frontier and its table. */
class SweepTest {
  @Test
  void frontierKeepsOnlyUndominatedPoints() {
    List<double[]> pts =
        List.of(
            new double[] {10, 100},
            new double[] {12, 50},
            new double[] {12, 60},
            new double[] {9, 200},
            new double[] {10, 100});
    // {12, 60} is beaten by {12, 50}; the two equal {10, 100} do not beat each other.
    assertThat(Sweep.frontier(pts)).containsExactly(true, true, false, true, true);
  }

  @Test
  void sweepReportsEveryFamilyWithFrontierAndShareOfTheBound() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sweep");
    java.nio.file.Path cluster = dir.resolve("cluster.yaml");
    java.nio.file.Files.writeString(cluster, ReplayFixtures.CLUSTER_YAML);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine cmd = new picocli.CommandLine(new ReplayCommand());
    cmd.setOut(new java.io.PrintWriter(out));
    cmd.setErr(new java.io.PrintWriter(err));
    int code =
        cmd.execute(
            "--cluster",
            cluster.toString(),
            "--trace",
            "synthetic",
            "--duration",
            "4h",
            "--sweep",
            "--no-progress");
    assertThat(code).as(err.toString()).isZero();
    String table = out.toString();
    assertThat(table).contains("clairvoyant bound").contains("bound's savings");
    for (String family :
        List.of("idle-timeout", "autoscaler", "eco-kube grace", "eco-kube reserve")) {
      List<String> rows = table.lines().filter(l -> l.startsWith(family + " ")).toList();
      assertThat(rows).as(family).hasSizeGreaterThanOrEqualTo(4);
      assertThat(rows).as(family + " frontier").anyMatch(l -> l.contains(" * "));
    }
    assertThat(table).contains("idle 0m").contains("unneeded 30m").contains("reserve 4");
  }
}
