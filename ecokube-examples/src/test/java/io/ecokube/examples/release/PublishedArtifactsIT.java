package io.ecokube.examples.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a user of the published artifacts sees, checked against the jars this reactor just packaged.
 *
 * <p>The jars and POMs go into a private local repository under {@code target/} (never into the
 * shared {@code ~/.m2}: other branches build there too); third-party artifacts and Maven plugins
 * are read from the user's local repository as a read-only tail ({@code maven.repo.local.tail}), so
 * the nested builds run offline. This module comes after every published module in the reactor, so
 * their jars exist when the integration tests run.
 */
class PublishedArtifactsIT {
  private static final String GROUP = "io.ecokube";

  /** Modules of the reactor that are deliberately not published. */
  private static final List<String> UNPUBLISHED =
      List.of("ecokube-bom", "ecokube-examples", "ecokube-benchmarks");

  private static Path root;
  private static Path work;
  private static Path repo;
  private static String version;
  private static List<String> published;
  private static Map<String, String> rootProperties;

  @BeforeAll
  static void stageTheReactorsArtifacts() throws Exception {
    Path module = Path.of("").toAbsolutePath();
    root = module.getParent();
    Document bom = parse(root.resolve("ecokube-bom/pom.xml"));
    version = childText(bom.getDocumentElement(), "version");
    published = ecokubeModulesIn(bom);
    rootProperties = properties(parse(root.resolve("pom.xml")));

    work = module.resolve("target/published-artifacts");
    deleteRecursively(work);
    repo = work.resolve("repo");
    for (String artifact : published) {
      Path jar =
          root.resolve(artifact).resolve("target").resolve(artifact + "-" + version + ".jar");
      Assumptions.assumeTrue(
          Files.isRegularFile(jar),
          "skipped: "
              + jar
              + " is missing; package the published modules first (run this with -am, or the whole"
              + " build)");
      stage(artifact, "jar", jar);
      stage(artifact, "pom", root.resolve(artifact).resolve("pom.xml"));
    }
    stage("ecokube-parent", "pom", root.resolve("pom.xml"));
    stage("ecokube-bom", "pom", root.resolve("ecokube-bom/pom.xml"));
  }

  @Test
  void everyPublishedModuleIsInTheBom() throws Exception {
    List<String> reactor = new ArrayList<>();
    NodeList modules = parse(root.resolve("pom.xml")).getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      reactor.add(modules.item(i).getTextContent().trim());
    }
    reactor.removeAll(UNPUBLISHED);

    assertThat(published)
        .as(
            "ecokube-bom lists exactly the published modules (reactor modules minus %s)",
            UNPUBLISHED)
        .containsExactlyInAnyOrderElementsOf(reactor);
  }

  @Test
  void aProjectImportingTheBomPassesTheConvergenceRulesAndCompiles() throws Exception {
    Path project = consumer("consumer-with-bom", true);
    Files.createDirectories(project.resolve("src/main/java/example"));
    Files.writeString(
        project.resolve("src/main/java/example/UsesEcoKube.java"),
        "package example;\n\n"
            + "/** Compiles against the published jars. */\n"
            + "public final class UsesEcoKube {\n"
            + "  private UsesEcoKube() {}\n\n"
            + "  /** A type from the API module. */\n"
            + "  public static Class<?> clock() {\n"
            + "    return io.ecokube.api.time.Clock.class;\n"
            + "  }\n"
            + "}\n");

    Result build = maven(project, "compile");

    assertThat(build.exitCode()).as(build.describe()).isZero();
    assertThat(project.resolve("target/classes/example/UsesEcoKube.class")).isRegularFile();
  }

  /** Shows that the consumer's rules do bite: without the BOM the third-party versions clash. */
  @Test
  void withoutTheBomTheSameProjectFailsDependencyConvergence() throws Exception {
    Path project = consumer("consumer-without-bom", false);

    Result build = maven(project, "validate");

    assertThat(build.exitCode()).as(build.describe()).isNotZero();
    assertThat(build.output()).contains("DependencyConvergence");
  }

  /**
   * Builds ecokube-api a second time, from a copy of its sources in another directory, and compares
   * its jars byte for byte with the reactor's. Equal jars mean {@code
   * project.build.outputTimestamp} took the clock and the checkout path out of them. One small
   * module keeps this cheap; every module is packaged by the same plugins with the same settings.
   */
  @Test
  void rebuildingGivesByteIdenticalJars() throws Exception {
    Path rebuild = work.resolve("rebuild");
    List<String> modules = List.of("ecokube-api");
    StringBuilder moduleList = new StringBuilder();
    for (String module : modules) {
      copyTree(
          root.resolve(module).resolve("src/main"), rebuild.resolve(module).resolve("src/main"));
      Files.copy(
          root.resolve(module).resolve("pom.xml"), rebuild.resolve(module).resolve("pom.xml"));
      moduleList.append("    <module>").append(module).append("</module>\n");
    }
    Files.writeString(
        rebuild.resolve("pom.xml"),
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
            + "  <modelVersion>4.0.0</modelVersion>\n"
            + "  <groupId>example</groupId>\n"
            + "  <artifactId>rebuild</artifactId>\n"
            + "  <version>1</version>\n"
            + "  <packaging>pom</packaging>\n"
            + "  <modules>\n"
            + moduleList
            + "  </modules>\n"
            + "</project>\n");

    // Sources jars too (no -Dquick); javadoc is slow and compared only in a release.
    Result build = maven(rebuild, "package", "-Dmaven.test.skip=true", "-Dmaven.javadoc.skip=true");
    assertThat(build.exitCode()).as(build.describe()).isZero();

    int compared = 0;
    for (String module : modules) {
      for (String suffix : List.of(".jar", "-sources.jar")) {
        String name = module + "-" + version + suffix;
        Path original = root.resolve(module).resolve("target").resolve(name);
        Path again = rebuild.resolve(module).resolve("target").resolve(name);
        assertThat(again).as("rebuilt " + name).isRegularFile();
        if (!Files.isRegularFile(original)) {
          continue; // the reactor ran with -Dquick: no sources jar to compare with
        }
        assertThat(Files.mismatch(original, again))
            .as("%s differs from its rebuild: %s", name, entryDifferences(original, again))
            .isEqualTo(-1L);
        compared++;
      }
    }
    assertThat(compared).as("jars compared").isGreaterThanOrEqualTo(modules.size());
  }

  // ---------------------------------------------------------------------------------------------

  /** A project depending on every published module, with both convergence rules on. */
  private static Path consumer(String name, boolean importBom) throws IOException {
    Path project = work.resolve(name);
    Files.createDirectories(project);
    StringBuilder dependencies = new StringBuilder();
    for (String artifact : published) {
      dependencies
          .append("    <dependency><groupId>")
          .append(GROUP)
          .append("</groupId><artifactId>")
          .append(artifact)
          .append("</artifactId>")
          .append(importBom ? "" : "<version>" + version + "</version>")
          .append("</dependency>\n");
    }
    String management =
        importBom
            ? "  <dependencyManagement>\n    <dependencies>\n"
                + "      <dependency><groupId>"
                + GROUP
                + "</groupId><artifactId>ecokube-bom</artifactId><version>"
                + version
                + "</version><type>pom</type><scope>import</scope></dependency>\n"
                + "    </dependencies>\n  </dependencyManagement>\n"
            : "";
    Files.writeString(
        project.resolve("pom.xml"),
        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
            + "  <modelVersion>4.0.0</modelVersion>\n"
            + "  <groupId>example</groupId>\n"
            + "  <artifactId>"
            + name
            + "</artifactId>\n"
            + "  <version>1</version>\n"
            + "  <properties>\n"
            + "    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>\n"
            + "    <maven.compiler.release>17</maven.compiler.release>\n"
            + "  </properties>\n"
            + management
            + "  <dependencies>\n"
            + dependencies
            + "  </dependencies>\n"
            + "  <build>\n    <plugins>\n"
            + plugin("maven-compiler-plugin", "compiler-plugin.version", "")
            + plugin(
                "maven-enforcer-plugin",
                "enforcer-plugin.version",
                "<executions><execution><id>converge</id><goals><goal>enforce</goal></goals>"
                    + "<configuration><rules><dependencyConvergence/><requireUpperBoundDeps/>"
                    + "</rules></configuration></execution></executions>")
            + "    </plugins>\n  </build>\n"
            + "</project>\n");
    return project;
  }

  private static String plugin(String artifactId, String versionProperty, String body) {
    String pluginVersion = rootProperties.get(versionProperty);
    assertThat(pluginVersion).as(versionProperty + " in the root pom.xml").isNotNull();
    return "      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>"
        + artifactId
        + "</artifactId><version>"
        + pluginVersion
        + "</version>"
        + body
        + "</plugin>\n";
  }

  /** Output and exit code of one nested Maven run. */
  private record Result(int exitCode, String output, List<String> command) {
    String describe() {
      String[] lines = output.split("\n");
      int from = Math.max(0, lines.length - 60);
      return "mvn exited "
          + exitCode
          + " for "
          + command
          + ", last lines:\n"
          + String.join("\n", Arrays.copyOfRange(lines, from, lines.length));
    }
  }

  /** Runs the project's Maven wrapper offline on a private local repository. */
  private static Result maven(Path project, String... goalsAndOptions) throws Exception {
    String userRepo =
        System.getProperty(
            "ecokube.maven.repo.local",
            Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    List<String> command = new ArrayList<>();
    command.add(root.resolve("mvnw").toString());
    command.addAll(
        List.of(
            "-o",
            "-B",
            "-ntp",
            "-f",
            project.resolve("pom.xml").toString(),
            "-Dmaven.repo.local=" + repo,
            "-Dmaven.repo.local.tail=" + userRepo,
            "-Dspotless.check.skip=true"));
    command.addAll(Arrays.asList(goalsAndOptions));
    Path log = project.resolve("build.log");
    Process process =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("mvn did not finish in 10 minutes: " + command);
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), command);
  }

  private static void stage(String artifact, String extension, Path file) throws IOException {
    Path target =
        repo.resolve(GROUP.replace('.', '/'))
            .resolve(artifact)
            .resolve(version)
            .resolve(artifact + "-" + version + "." + extension);
    Files.createDirectories(target.getParent());
    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Names the entries whose content or time differ, so a failure says what is not reproducible. */
  private static String entryDifferences(Path a, Path b) throws IOException {
    Map<String, String> left = entries(a);
    Map<String, String> right = entries(b);
    List<String> differences = new ArrayList<>();
    for (String name : left.keySet()) {
      if (!left.get(name).equals(right.get(name))) {
        differences.add(name + " " + left.get(name) + " vs " + right.get(name));
      }
    }
    for (String name : right.keySet()) {
      if (!left.containsKey(name)) {
        differences.add(name + " only in the rebuild");
      }
    }
    return differences.isEmpty()
        ? "same entries, different order or headers"
        : differences.toString();
  }

  private static Map<String, String> entries(Path jar) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        entries.put(entry.getName(), "crc=" + entry.getCrc() + " time=" + entry.getTime());
      }
    }
    return entries;
  }

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    try (InputStream in = Files.newInputStream(pom)) {
      return factory.newDocumentBuilder().parse(in);
    }
  }

  private static List<String> ecokubeModulesIn(Document bom) {
    List<String> artifacts = new ArrayList<>();
    NodeList dependencies = bom.getElementsByTagName("dependency");
    for (int i = 0; i < dependencies.getLength(); i++) {
      Element dependency = (Element) dependencies.item(i);
      if (GROUP.equals(childText(dependency, "groupId"))) {
        artifacts.add(childText(dependency, "artifactId"));
      }
    }
    return artifacts;
  }

  private static Map<String, String> properties(Document pom) {
    Map<String, String> properties = new TreeMap<>();
    Node section = pom.getElementsByTagName("properties").item(0);
    NodeList children = section.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element property) {
        properties.put(property.getTagName(), property.getTextContent().trim());
      }
    }
    return properties;
  }

  private static String childText(Element parent, String tag) {
    NodeList children = parent.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i) instanceof Element child && child.getTagName().equals(tag)) {
        return child.getTextContent().trim();
      }
    }
    return null;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
