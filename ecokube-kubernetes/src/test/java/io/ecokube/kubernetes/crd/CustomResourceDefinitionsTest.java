package io.ecokube.kubernetes.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CustomResourceDefinitions in {@code deploy/crds} accept the good examples and refuse each bad
 * one with the message an operator would need, through the schema (JSON Schema draft 4 over {@code
 * openAPIV3Schema}) and the CEL rules (evaluated with cel-java, the same language the API server
 * runs). No API server runs here, so these are the checks {@code kubectl apply} would meet.
 */
class CustomResourceDefinitionsTest {
  static final Path CRDS = Path.of("..", "deploy", "crds");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, CrdSchema> BY_KIND = new TreeMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (Stream<Path> files = Files.list(CRDS)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
              .sorted()
              .toList()) {
        CrdSchema s = CrdSchema.load(f);
        BY_KIND.put(s.crd.at("/spec/names/kind").asText(), s);
      }
    }
  }

  static List<JsonNode> documents(String resource) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (InputStream in = CustomResourceDefinitionsTest.class.getResourceAsStream(resource);
        MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isEmpty()) {
          out.add(d);
        }
      }
    }
    return out;
  }

  @Test
  void everyKindIsInGroupEcokubeWithStatusAndPrinterColumns() {
    assertThat(BY_KIND).containsOnlyKeys("CostPolicy", "NodePool", "PowerPolicy");
    for (CrdSchema s : BY_KIND.values()) {
      JsonNode v = s.crd.at("/spec/versions/0");
      assertThat(s.crd.at("/spec/group").asText()).isEqualTo("ecokube.io");
      assertThat(v.at("/name").asText()).isEqualTo("v1alpha1");
      assertThat(v.at("/subresources/status").isObject()).isTrue();
      JsonNode status = v.at("/schema/openAPIV3Schema/properties/status/properties");
      assertThat(status.has("observedGeneration")).isTrue();
      assertThat(status.at("/conditions/x-kubernetes-list-map-keys/0").asText()).isEqualTo("type");
      assertThat(v.at("/additionalPrinterColumns").size()).isGreaterThan(3);
    }
  }

  @Test
  void nodePoolColumnsAreTheOnesOperatorsAskFor() {
    List<String> names = new ArrayList<>();
    BY_KIND
        .get("NodePool")
        .crd
        .at("/spec/versions/0/additionalPrinterColumns")
        .forEach(c -> names.add(c.get("name").asText()));
    assertThat(names)
        .containsSubsequence("On", "Off", "Booting", "Failed", "Maintenance", "Watts", "kWh-Saved");
  }

  @TestFactory
  Stream<DynamicTest> goodExamplesAreAccepted() throws IOException {
    return documents("good.yaml").stream()
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.at("/kind").asText() + " " + d.at("/metadata/name").asText(),
                    () -> assertThat(schemaOf(d).problems(d)).isEmpty()));
  }

  @TestFactory
  Stream<DynamicTest> badExamplesAreRefusedWithTheirMessage() throws IOException {
    return documents("bad.yaml").stream()
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.at("/kind").asText() + " " + d.at("/metadata/name").asText(),
                    () -> {
                      String expect = d.at("/metadata/annotations/expect").asText();
                      assertThat(expect).as("the example names its expected message").isNotEmpty();
                      assertThat(schemaOf(d).problems(d))
                          .as("problems of %s", d.at("/metadata/name").asText())
                          .anySatisfy(m -> assertThat(m).contains(expect));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> theExamplesInTheDocsAreAccepted() throws IOException {
    String md = Files.readString(Path.of("..", "docs", "custom-resources.md"));
    List<JsonNode> examples = new ArrayList<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("```yaml\n(.*?)```", java.util.regex.Pattern.DOTALL)
            .matcher(md);
    while (m.find()) {
      try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(m.group(1))) {
        while (it.hasNext()) {
          JsonNode d = it.next();
          if (d != null && d.path("apiVersion").asText().startsWith("ecokube.io/")) {
            examples.add(d);
          }
        }
      }
    }
    assertThat(examples)
        .extracting(d -> d.path("kind").asText())
        .contains("NodePool", "PowerPolicy", "CostPolicy");
    return examples.stream()
        .map(
            d ->
                DynamicTest.dynamicTest(
                    d.at("/kind").asText() + " " + d.at("/metadata/name").asText(),
                    () -> assertThat(schemaOf(d).problems(d)).isEmpty()));
  }

  @Test
  void celSeesNumberFieldsAsDoublesAsTheApiServerDoes() {
    // 110 written without a fraction is still a double in a 'number' field: comparing it with a
    // double must work (in CEL, int and double do not mix without this conversion).
    CrdSchema np = BY_KIND.get("NodePool");
    JsonNode profile =
        np.crd.at(
            "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/powerProfile");
    Object self =
        CrdSchema.toCel(
            profile, YAML.createObjectNode().put("offWatts", 5.5).put("idleWatts", 110));
    assertThat(CrdSchema.evaluate("self.idleWatts > self.offWatts", self)).isTrue();
  }

  static CrdSchema schemaOf(JsonNode d) {
    CrdSchema s = BY_KIND.get(d.at("/kind").asText());
    assertThat(s).as("a CRD for kind %s", d.at("/kind").asText()).isNotNull();
    return s;
  }
}
