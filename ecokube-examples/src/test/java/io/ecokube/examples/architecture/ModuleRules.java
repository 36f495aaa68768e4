package io.ecokube.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The module rules of Eco-Kube as ArchUnit rules over a package root. Every module owns one package
 * below the root ({@code api}, {@code core}, {@code kafka}, {@code power.ipmi}, ...), so a rule on
 * packages is a rule on modules. The root is a parameter so that the same rules can be shown to
 * reject a deliberately broken set of classes.
 */
final class ModuleRules {
  /** Adapters and drivers: each talks to one outside system and knows only the API. */
  static final List<String> ADAPTERS =
      List.of(
          "kafka",
          "redis",
          "kubernetes",
          "prometheus",
          "predict",
          "power.wol",
          "power.ssh",
          "power.ipmi",
          "power.redfish");

  /** Modules that wire everything together; only they may know several adapters. */
  static final List<String> COMPOSERS = List.of("controller", "replay", "examples");

  /** Modules on top of the engine that are neither adapters nor composers. */
  static final List<String> ENGINE_EXTENSIONS = List.of("config", "micrometer", "sim");

  private static final String[] LOGGING_BACKENDS = {
    "org.slf4j.simple..", "ch.qos.logback..", "org.apache.logging.log4j.core..", "org.slf4j.jul.."
  };

  private final String root;

  ModuleRules(String root) {
    this.root = root;
  }

  /** Every rule, each named for the module rule it enforces. */
  List<ArchRule> all() {
    List<ArchRule> rules = new ArrayList<>();
    rules.add(apiDependsOnNothingOfOurs());
    rules.add(coreKnowsNoAdapterJacksonOrMicrometer());
    for (String adapter : ADAPTERS) {
      rules.add(adapterKnowsOnlyTheApi(adapter));
    }
    for (String extension : ENGINE_EXTENSIONS) {
      rules.add(engineExtensionKnowsNoAdapter(extension));
    }
    rules.add(testKitKnowsNoEngine());
    rules.add(librariesUseNoLoggingBackend());
    // A module that is not built yet has no classes; ArchitectureTest checks the import separately.
    return rules.stream().map(rule -> rule.allowEmptyShould(true)).toList();
  }

  ArchRule apiDependsOnNothingOfOurs() {
    return classes()
        .that()
        .resideInAPackage(pkg("api"))
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "javax.net.ssl..", "org.slf4j..", pkg("api"))
        .because("ecokube-api is the SPI and depends on the JDK and slf4j-api only");
  }

  ArchRule coreKnowsNoAdapterJacksonOrMicrometer() {
    String[] forbidden =
        Stream.concat(
                Stream.of("com.fasterxml..", "io.micrometer..", "picocli.."),
                Stream.of(ADAPTERS, COMPOSERS, ENGINE_EXTENSIONS, List.of("test"))
                    .flatMap(List::stream)
                    .map(this::pkg))
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(pkg("core"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because(
            "ecokube-core is pure Java: it finds drivers through ServiceLoader and takes sources"
                + " through the API");
  }

  ArchRule adapterKnowsOnlyTheApi(String adapter) {
    String[] forbidden =
        Stream.of(
                Stream.of("core"),
                ENGINE_EXTENSIONS.stream(),
                COMPOSERS.stream(),
                Stream.of("test"),
                ADAPTERS.stream().filter(other -> !other.equals(adapter)))
            .flatMap(s -> s)
            .map(this::pkg)
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(pkg(adapter))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("adapters and drivers know the API only, never the engine or each other");
  }

  ArchRule engineExtensionKnowsNoAdapter(String extension) {
    String[] forbidden =
        Stream.of(
                ADAPTERS.stream(),
                COMPOSERS.stream(),
                ENGINE_EXTENSIONS.stream().filter(other -> !other.equals(extension)))
            .flatMap(s -> s)
            .map(this::pkg)
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(pkg(extension))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("config, metrics and the simulator build on the engine, not on adapters");
  }

  ArchRule testKitKnowsNoEngine() {
    return noClasses()
        .that()
        .resideInAPackage(pkg("test"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            Stream.concat(Stream.of("core"), COMPOSERS.stream())
                .map(this::pkg)
                .toArray(String[]::new))
        .because("the test kit is for driver authors, who depend on the API only");
  }

  ArchRule librariesUseNoLoggingBackend() {
    String[] composers = COMPOSERS.stream().map(this::pkg).toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(root + "..")
        .and()
        .resideOutsideOfPackages(composers)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(LOGGING_BACKENDS)
        .because("a library logs through slf4j-api and leaves the backend to the application");
  }

  private String pkg(String module) {
    return root + "." + module + "..";
  }
}
