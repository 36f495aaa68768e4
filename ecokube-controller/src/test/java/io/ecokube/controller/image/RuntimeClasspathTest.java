package io.ecokube.controller.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The controller image carries the controller's runtime classpath and nothing else (Jib copies the
 * runtime-scope dependencies), so this test reads that classpath as Maven resolved it for this
 * build ({@code target/runtime-classpath.txt}, written by maven-dependency-plugin's build-classpath
 * before the tests) and refuses what must never ship: Kafka's broker and its test kit, Scala, test
 * libraries, the fake API server, our own test kit and simulator.
 */
class RuntimeClasspathTest {
  private static final Path CLASSPATH_FILE = Path.of("target", "runtime-classpath.txt");

  /** Written by build-classpath instead of the local repository's path. */
  private static final String REPO = "M2_REPO";

  /** groupId:artifactId patterns that a runtime classpath must not contain, with the reason. */
  private static final List<Banned> BANNED =
      List.of(
          new Banned("org\\.apache\\.kafka:(?!kafka-clients$).*", "Kafka's broker and test kit"),
          new Banned("org\\.scala-lang(\\..*)?:.*", "Scala (comes with Kafka's broker)"),
          new Banned("org\\.junit(\\..*)?:.*", "JUnit"),
          new Banned("org\\.(opentest4j|apiguardian):.*", "JUnit's support libraries"),
          new Banned("org\\.(assertj|awaitility|mockito):.*", "test assertion libraries"),
          new Banned("net\\.jqwik:.*", "jqwik"),
          new Banned("com\\.tngtech\\.archunit:.*", "ArchUnit"),
          new Banned("org\\.openjdk\\.jmh:.*", "JMH"),
          new Banned("io\\.fabric8:.*", "fabric8's mock API server"),
          new Banned("org\\.apache\\.sshd:.*", "the SSH server the tests run"),
          new Banned(
              "io\\.ecokube:ecokube-(test|sim|replay|examples|benchmarks)",
              "Eco-Kube modules the controller does not run"),
          new Banned(".*:.*-tests?(-.*)?", "test artifacts"));

  private record Banned(String pattern, String what) {
    boolean matches(String coordinates) {
      return Pattern.matches(pattern, coordinates);
    }
  }

  @Test
  void theImageClasspathHasNoBrokerNoScalaAndNoTestLibraries() throws IOException {
    List<String> coordinates = runtimeClasspath();

    assertThat(coordinates)
        .as("sanity: the classpath was read (%s)", CLASSPATH_FILE.toAbsolutePath())
        .contains(
            "org.apache.kafka:kafka-clients",
            "io.kubernetes:client-java",
            "io.ecokube:ecokube-core",
            "io.ecokube:ecokube-power-ipmi");
    for (Banned banned : BANNED) {
      assertThat(coordinates)
          .as("%s must not be on the controller's runtime classpath (the image)", banned.what())
          .noneMatch(banned::matches);
    }
  }

  @Test
  void theBanListRecognisesWhatTheImageOnceCarried() {
    // Coordinates the image carried before it was slimmed (issue 16): each must be refused.
    List<String> former =
        List.of(
            "org.apache.kafka:kafka_2.13",
            "org.apache.kafka:kafka-test-common-runtime",
            "org.apache.kafka:kafka-server-common",
            "org.scala-lang:scala-library",
            "org.junit.jupiter:junit-jupiter-api",
            "io.ecokube:ecokube-test");
    for (String coordinate : former) {
      assertThat(BANNED).as(coordinate).anyMatch(banned -> banned.matches(coordinate));
    }
    assertThat(BANNED).noneMatch(banned -> banned.matches("org.apache.kafka:kafka-clients"));
  }

  /**
   * groupId:artifactId of every classpath entry: repository jars from their path below the local
   * repository, this reactor's modules from their directory.
   */
  private static List<String> runtimeClasspath() throws IOException {
    assertThat(CLASSPATH_FILE)
        .as("written by maven-dependency-plugin (execution runtime-classpath) before the tests")
        .isRegularFile();
    String text = Files.readString(CLASSPATH_FILE, StandardCharsets.UTF_8).trim();
    return Arrays.stream(text.split(Pattern.quote(File.pathSeparator)))
        .map(RuntimeClasspathTest::coordinates)
        .toList();
  }

  private static String coordinates(String entry) {
    List<String> parts = Arrays.asList(entry.replace('\\', '/').split("/"));
    int target = parts.lastIndexOf("target");
    if (parts.get(0).equals(REPO)) {
      // REPO/group/as/dirs/artifact/version/artifact-version.jar
      int n = parts.size();
      String group = String.join(".", parts.subList(1, n - 3));
      return group + ":" + parts.get(n - 3);
    }
    if (target > 0) {
      return "io.ecokube:" + parts.get(target - 1); // a module of this reactor
    }
    throw new AssertionError("unexpected classpath entry: " + entry);
  }
}
