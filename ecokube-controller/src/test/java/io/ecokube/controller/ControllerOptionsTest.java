package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllerOptionsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private static ControllerOptions run(Map<String, String> env, String... args) {
    CommandLine.ParseResult parsed = EcoKubeCommand.commandLine(env).parseArgs(args);
    EcoKubeCommand.Run run = parsed.subcommand().commandSpec().commandLine().getCommand();
    return run.options();
  }

  private int execute(String... args) {
    return EcoKubeCommand.execute(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void defaultsComeFromThePodEnvironment() {
    ControllerOptions o =
        run(
            Map.of("POD_NAMESPACE", "infra", "POD_NAME", "ecokube-7d9-x2"),
            "run",
            "--config",
            "/etc/ecokube/ecokube.yaml");
    assertThat(o.config()).isEqualTo(Path.of("/etc/ecokube/ecokube.yaml"));
    assertThat(o.kubeconfig()).isEmpty();
    assertThat(o.namespace()).isEqualTo("infra");
    assertThat(o.identity()).isEqualTo("ecokube-7d9-x2");
    assertThat(o.httpPort()).isEqualTo(8080);
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.dryRun()).isFalse();
  }

  @Test
  void everyFlag() {
    ControllerOptions o =
        run(
            Map.of(),
            "run",
            "--dry-run",
            "--config",
            "c.yaml",
            "--kubeconfig",
            "kc",
            "--namespace",
            "n",
            "--identity",
            "me",
            "--http-port",
            "0",
            "--interval",
            "3s");
    assertThat(o.dryRun()).isTrue();
    assertThat(o.kubeconfig()).contains(Path.of("kc"));
    assertThat(o.namespace()).isEqualTo("n");
    assertThat(o.identity()).isEqualTo("me");
    assertThat(o.httpPort()).isZero();
    assertThat(o.interval()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void badCommandLinesExitWith2AndNameTheProblem() {
    assertThat(execute("run")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    assertThat(execute("run", "--config", "c", "--verbose")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--verbose'");
    assertThat(execute("run", "--config", "c", "--interval", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a positive duration");
    assertThat(execute("run", "--config", "c", "--task-events", "127.0.0.1:9092")).isEqualTo(2);
    assertThat(err.toString()).contains("were replaced by the config section demand.scaleEvents");
    assertThat(execute()).isEqualTo(2);
    assertThat(err.toString()).contains("name a command: run or validate");
  }

  @Test
  void helpAndVersion() {
    assertThat(execute("--help")).isZero();
    assertThat(out.toString()).contains("run").contains("validate");
    assertThat(execute("run", "--help")).isZero();
    assertThat(out.toString()).contains("--dry-run").doesNotContain("--task-template");
    assertThat(execute("--version")).isZero();
    assertThat(out.toString()).contains("ecokube-controller ");
  }

  @Test
  void validateAcceptsAGoodConfig(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("ok.yaml"),
            """
            pools:
              default: {minActive: 1}
            nodes:
              - name: control-plane
                controlPlane: true
                allocatable: {cpu: "4", memory: 16Gi}
              - name: worker-1
                allocatable: {cpu: "8", memory: 32Gi}
                power:
                  drivers:
                    - driver: ipmi
                      settings: {host: 127.0.0.1, username: admin, password: "k8s:ecokube/bmc/password"}
            """);
    assertThat(execute("validate", "--config", file.toString())).isZero();
    assertThat(out.toString()).contains("is valid: 2 nodes, 1 pools");
  }

  @Test
  void validateListsEveryProblemWithItsLineAndExitsWith1(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            """
            pools:
              default: {minActive: 1}
            engine:
              minUptime: 15 minutes
            nodes:
              - name: worker-1
                allocatable: {cpu: "8", memory: 32Gi}
                power:
                  drivers:
                    - driver: ssh
                      settings: {host: 127.0.0.1, user: ecokube, strict-host-key-cheking: "false"}
            """);
    assertThat(execute("validate", "--config", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains("engine.minUptime (line 4, column 3): '15 minutes' is not a duration")
        .contains("nodes[0].power.drivers[0].settings.strict-host-key-cheking (line 11, column 54)")
        .contains("did you mean 'strict-host-key-checking'?")
        .startsWith("2 problem(s):");
  }

  @Test
  void validateNamesAMissingFile(@TempDir Path dir) {
    assertThat(execute("validate", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("nope.yaml does not exist");
  }
}
