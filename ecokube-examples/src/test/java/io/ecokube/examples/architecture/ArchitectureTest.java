package io.ecokube.examples.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md, enforced on the main classes of every module (this module depends
 * on all of them, so their classes are on its test class path), and shown to reject a set of
 * classes that breaks each rule on purpose ({@code io.ecokube.examples.architecture.broken}).
 */
class ArchitectureTest {
  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ecokube");
  }

  @Test
  void everyModuleIsImportedSoNoRuleHoldsVacuously() {
    for (String module :
        Stream.of(
                List.of("api", "core", "test"),
                ModuleRules.ADAPTERS,
                ModuleRules.ENGINE_EXTENSIONS,
                ModuleRules.COMPOSERS)
            .flatMap(List::stream)
            .toList()) {
      String pkg = "io.ecokube." + module;
      assertThat(production.stream().filter(c -> c.getPackageName().startsWith(pkg)))
          .as("classes of %s", pkg)
          .isNotEmpty();
    }
  }

  @Test
  void theModulesKeepTheRules() {
    for (ArchRule rule : new ModuleRules("io.ecokube").all()) {
      rule.check(production);
    }
  }

  @Test
  void theRulesRejectAClassSetThatBreaksEachOfThem() {
    String root = "io.ecokube.examples.architecture.broken";
    JavaClasses broken = new ClassFileImporter().importPackages(root);
    ModuleRules rules = new ModuleRules(root);
    List<String> failing = new ArrayList<>();
    for (ArchRule rule :
        List.of(
            rules.apiDependsOnNothingOfOurs(),
            rules.coreKnowsNoAdapterJacksonOrMicrometer(),
            rules.adapterKnowsOnlyTheApi("power.ssh"),
            rules.adapterKnowsOnlyTheApi("kafka"),
            rules.testKitKnowsNoEngine(),
            rules.librariesUseNoLoggingBackend())) {
      EvaluationResult result = rule.evaluate(broken);
      if (result.hasViolation()) {
        failing.add(rule.getDescription());
      }
    }
    assertThat(failing).hasSize(6);
    assertThat(
            rules
                .coreKnowsNoAdapterJacksonOrMicrometer()
                .evaluate(broken)
                .getFailureReport()
                .getDetails())
        .anySatisfy(line -> assertThat(line).contains("com.fasterxml.jackson"))
        .anySatisfy(line -> assertThat(line).contains("io.micrometer"))
        .anySatisfy(line -> assertThat(line).contains(root + ".kafka"));
  }

  /**
   * Library modules may not bring a logging backend onto their users' class path: only test scope,
   * or a composer module (the programs), may name one.
   */
  @Test
  void noLibraryPomDependsOnALoggingBackend() throws IOException {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Pattern dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    Pattern backend =
        Pattern.compile(
            "<artifactId>(slf4j-simple|logback-classic|log4j-slf4j2?-impl|log4j-core|slf4j-jdk14)</artifactId>");
    List<String> offenders = new ArrayList<>();
    int libraries = 0;
    try (Stream<Path> modules = Files.list(repo)) {
      for (Path module :
          modules.filter(p -> p.getFileName().toString().startsWith("ecokube-")).toList()) {
        String name = module.getFileName().toString();
        Path pom = module.resolve("pom.xml");
        if (!Files.exists(pom)
            || ModuleRules.COMPOSERS.stream().anyMatch(c -> name.equals("ecokube-" + c))
            || name.equals("ecokube-benchmarks")) {
          continue;
        }
        libraries++;
        // Versions a BOM manages are no dependency: only what a module actually depends on counts.
        String declared =
            Files.readString(pom)
                .replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "");
        Matcher m = dependency.matcher(declared);
        while (m.find()) {
          String dep = m.group(1);
          if (backend.matcher(dep).find() && !dep.contains("<scope>test</scope>")) {
            offenders.add(name + ": " + dep.replaceAll("\\s+", " ").trim());
          }
        }
      }
    }
    assertThat(libraries).isGreaterThan(10);
    assertThat(offenders).isEmpty();
  }
}
