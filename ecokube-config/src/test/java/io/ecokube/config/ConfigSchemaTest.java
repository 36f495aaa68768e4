package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.ecokube.config.ConfigurationDocsTest.Section;
import io.ecokube.core.driver.DriverRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/ecokube-config.schema.json, the JSON Schema editors use to complete and check a config file,
 * stays in step with the loader and docs/configuration.md: at every mapping whose keys the loader
 * checks ({@link ConfigurationDocsTest#SECTIONS}, and the small objects one docs row spells out in
 * braces, {@link #INLINE}) the schema offers exactly the loader's keys and refuses others; the
 * schema describes no mapping the loader does not check; and the docs' complete example and the
 * ConfigMap in deploy/ pass the schema (a real validator, networknt's, not our reading of it).
 *
 * <p>Adding a key: accept it in the section's set, give it a row in docs/configuration.md and a
 * property in the schema at the same place; this test and ConfigurationDocsTest name whatever is
 * missing.
 */
class ConfigSchemaTest {
  private static final Path SCHEMA = Path.of("../docs/ecokube-config.schema.json");
  private static final Path DOC = Path.of("../docs/configuration.md");
  private static final Path DEPLOY = Path.of("../deploy/base/20-config.yaml");

  /** Objects written as one docs row whose keys the row lists in braces, e.g. {count, window}. */
  static final List<Section> INLINE =
      List.of(
          new Section("engine.wakeRate.", PolicySection.class, "RATE"),
          new Section("engine.suspendRate.", PolicySection.class, "RATE"),
          new Section("engine.carbon.deferrable[i].workload.", PolicySection.class, "WORKLOAD"),
          new Section("demand.kafka.workloads[i].workload.", DemandSection.class, "REF"),
          new Section("demand.kafka.workloads[i].pod.", DemandSection.class, "POD"),
          new Section(
              "demand.scaleEvents.tasks.workloads.X.requests.",
              ScaleEventsSection.class,
              "RESOURCES"),
          new Section(
              "demand.scaleEvents.tasks.workloads.X.limits.",
              ScaleEventsSection.class,
              "RESOURCES"),
          new Section(
              "demand.scaleEvents.tasks.workloads.X.tolerations[i].",
              ScaleEventsSection.class,
              "TOLERATION"),
          new Section("nodes[i].allocatable.", NodesSection.class, "ALLOCATABLE"),
          new Section("nodes[i].taints[i].", NodesSection.class, "TAINT"));

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theSchemaOffersExactlyTheKeysTheLoaderAccepts() throws Exception {
    Map<String, Set<String>> described = describedMappings(json.readTree(SCHEMA.toFile()));
    List<String> problems = new ArrayList<>();
    Set<String> checked = new TreeSet<>();
    for (Section s :
        Stream.concat(ConfigurationDocsTest.SECTIONS.stream(), INLINE.stream()).toList()) {
      checked.add(s.prefix());
      Set<String> loader = keys(s);
      Set<String> schema = described.getOrDefault(s.prefix(), Set.of());
      for (String k : new TreeSet<>(loader)) {
        if (!schema.contains(k)) {
          problems.add(
              "the schema lacks '"
                  + s.prefix()
                  + k
                  + "', which the loader accepts: add it to the properties at '"
                  + where(s.prefix())
                  + "' in docs/ecokube-config.schema.json");
        }
      }
      for (String k : new TreeSet<>(schema)) {
        if (!loader.contains(k)) {
          problems.add(
              "the schema offers '"
                  + s.prefix()
                  + k
                  + "', which the loader refuses ("
                  + s.owner().getSimpleName()
                  + "."
                  + s.field()
                  + "): remove it from the schema or accept it in the loader");
        }
      }
    }
    described.keySet().stream()
        .filter(p -> !checked.contains(p))
        .forEach(
            p ->
                problems.add(
                    "the schema describes keys under '"
                        + where(p)
                        + "' "
                        + described.get(p)
                        + " but no loader section is listed for it: add a Section(\""
                        + p
                        + "\", <its section class>, <its key set>) to"
                        + " ConfigurationDocsTest.SECTIONS (or ConfigSchemaTest.INLINE for a small"
                        + " object one docs row spells out)"));
    assertThat(problems).as("schema vs loader").isEmpty();
  }

  @Test
  void theSchemaRefusesUnknownKeysAtEveryCheckedMapping() throws Exception {
    // Without additionalProperties: false an editor would accept a misspelt key silently.
    JsonNode schema = json.readTree(SCHEMA.toFile());
    List<String> open = new ArrayList<>();
    closedness(schema, schema, "", open);
    assertThat(open).as("mappings of the schema that accept any key").isEmpty();
  }

  @Test
  void everyInlineObjectsKeysAreSpelledOutInItsDocsRow() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([^`]+)` \\|[^|]*\\|([^|]*)\\|").matcher(Files.readString(DOC));
    while (m.find()) {
      rows.put(m.group(1), m.group(2));
    }
    List<String> problems = new ArrayList<>();
    for (Section s : INLINE) {
      String row = s.prefix().substring(0, s.prefix().length() - 1);
      // taints[i] is documented by its list's row, "[{key, value, effect}]".
      String owner = row.endsWith("[i]") ? row.substring(0, row.length() - 3) : row;
      String allowed = rows.get(owner);
      if (allowed == null) {
        problems.add("docs/configuration.md has no row for '" + owner + "'");
        continue;
      }
      for (String k : new TreeSet<>(keys(s))) {
        if (!Pattern.compile("\\b" + Pattern.quote(k) + "\\b").matcher(allowed).find()) {
          problems.add("the row of '" + owner + "' does not name its key '" + k + "'");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theDocsCompleteExampleMatchesTheSchema() throws IOException {
    Matcher m =
        Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
    assertThat(m.find()).as("a yaml example in docs/configuration.md").isTrue();
    assertThat(validate(m.group(1))).as("docs/configuration.md's example vs the schema").isEmpty();
  }

  @Test
  void theDeployedConfigMapMatchesTheSchema() throws IOException {
    String text =
        new YAMLMapper().readTree(DEPLOY.toFile()).path("data").path("ecokube.yaml").asText();
    assertThat(text).as("data.ecokube.yaml of deploy/base/20-config.yaml").contains("nodes:");
    assertThat(validate(text)).as("deploy/base/20-config.yaml vs the schema").isEmpty();
  }

  @Test
  void theSchemaAndTheLoaderBothRefuseCommonMistakes() {
    // A schema that accepted everything would pass the two tests above; these are refused by both.
    Map<String, String> mistakes =
        Map.of(
            "engine: {minUptme: 10m}",
            "minUptme",
            "engine: {minUptime: 15 minutes}",
            "minUptime",
            "pools: {batch: {minActive: -1}}",
            "minActive",
            "nodes: [{name: w1, allocatable: {cpu: lots, memory: 1Gi}}]",
            "cpu",
            "demand: {kafka: {bootstrapServers: 'k:9092', sasl: {username: u, password: hunter2},"
                + " workloads: [{workload: {name: w}, topic: t, group: g, pod: {cpu: 1, memory:"
                + " 1Gi}}]}}",
            "password");
    ConfigLoader loader = ConfigLoader.using(DriverRegistry.builder().loadServices().build());
    mistakes.forEach(
        (doc, key) -> {
          assertThat(validate(doc)).as("schema on %s", doc).anyMatch(p -> p.contains(key));
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.parse(doc, "mistake"))
              .as("loader on %s", doc)
              .isInstanceOf(ConfigException.class)
              .hasMessageContaining(key);
        });
  }

  private List<String> validate(String yaml) {
    try {
      JsonSchema schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
              .getSchema(json.readTree(SCHEMA.toFile()));
      Set<ValidationMessage> errors = schema.validate(new YAMLMapper().readTree(yaml));
      return errors.stream().map(ValidationMessage::getMessage).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The keys the schema offers, by the docs' key-path prefix of the mapping that holds them: {@code
   * ""} for the top, {@code "pools.X."} for a pool's rules, {@code "nodes[i]."} for a node.
   * Free-form maps (labels, driver settings) describe no keys and are not listed.
   */
  private static Map<String, Set<String>> describedMappings(JsonNode schema) {
    Map<String, Set<String>> out = new TreeMap<>();
    walk(schema, schema, "", out);
    return out;
  }

  private static void walk(
      JsonNode root, JsonNode node, String path, Map<String, Set<String>> out) {
    JsonNode n = resolve(root, node);
    JsonNode props = n.get("properties");
    if (props != null) {
      String prefix = path.isEmpty() ? "" : path + ".";
      Set<String> names = new TreeSet<>();
      props.fieldNames().forEachRemaining(names::add);
      out.put(prefix, names);
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        walk(root, e.getValue(), prefix + e.getKey(), out);
      }
    }
    if (n.has("items")) {
      walk(root, n.get("items"), path + "[i]", out);
    }
    JsonNode additional = n.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      walk(root, additional, path + ".X", out);
    }
  }

  private static void closedness(JsonNode root, JsonNode node, String path, List<String> open) {
    JsonNode n = resolve(root, node);
    JsonNode props = n.get("properties");
    if (props != null) {
      JsonNode additional = n.get("additionalProperties");
      if (additional == null || !additional.isBoolean() || additional.asBoolean()) {
        open.add(path.isEmpty() ? "(top)" : path);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        closedness(root, e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), open);
      }
    }
    if (n.has("items")) {
      closedness(root, n.get("items"), path + "[i]", open);
    }
    JsonNode additional = n.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      closedness(root, additional, path + ".X", open);
    }
  }

  /** Follows a local {@code $ref} such as {@code #/definitions/rate}. */
  private static JsonNode resolve(JsonNode root, JsonNode node) {
    JsonNode ref = node.get("$ref");
    if (ref == null) {
      return node;
    }
    String r = ref.asText();
    assertThat(r).as("only local references").startsWith("#/");
    return resolve(root, root.at(r.substring(1)));
  }

  private static String where(String prefix) {
    return prefix.isEmpty() ? "(top)" : prefix.substring(0, prefix.length() - 1);
  }

  @SuppressWarnings("unchecked")
  private static Set<String> keys(Section s) {
    try {
      Field f = s.owner().getDeclaredField(s.field());
      f.setAccessible(true);
      return ((Set<String>) f.get(null)).stream().collect(Collectors.toSet());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          s.owner().getSimpleName() + "." + s.field() + " is not a key set", e);
    }
  }
}
