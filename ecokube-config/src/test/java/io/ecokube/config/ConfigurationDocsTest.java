package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the loader stay in step: every key the loader accepts has a row in the
 * table and every row names a key the loader accepts (the controller's tests load the document's
 * example with the real drivers).
 */
class ConfigurationDocsTest {
  private static final Path DOC = Path.of("../docs/configuration.md");

  /** Where one section's set of allowed keys sits in the document. */
  record Section(String prefix, Class<?> owner, String field) {}

  /**
   * Every mapping whose keys the loader checks, each with one row per key in the docs; {@link
   * ConfigSchemaTest} holds docs/ecokube-config.schema.json to the same list. A new section is one
   * line here.
   */
  static final List<Section> SECTIONS =
      List.of(
          new Section("", ConfigLoader.class, "TOP"),
          new Section("pools.X.", PolicySection.class, "POOL"),
          new Section("engine.", PolicySection.class, "ENGINE"),
          new Section("engine.budget.", PolicySection.class, "BUDGET"),
          new Section("engine.green.", PolicySection.class, "GREEN"),
          new Section("engine.carbon.", PolicySection.class, "CARBON"),
          new Section("engine.carbon.deferrable[i].", PolicySection.class, "DEFERRABLE"),
          new Section("accounting.", AccountingSection.class, "ACCOUNTING"),
          new Section("demand.", DemandSection.class, "DEMAND"),
          new Section("demand.kafka.", DemandSection.class, "KAFKA"),
          new Section("demand.kafka.sasl.", DemandSection.class, "SASL"),
          new Section("demand.kafka.workloads[i].", DemandSection.class, "WORKLOAD"),
          new Section("demand.scaleEvents.", ScaleEventsSection.class, "SCALE_EVENTS"),
          new Section("demand.scaleEvents.redis.", ScaleEventsSection.class, "REDIS"),
          new Section("demand.scaleEvents.kafka.", ScaleEventsSection.class, "KAFKA"),
          new Section("demand.scaleEvents.kafka.sasl.", DemandSection.class, "SASL"),
          new Section("demand.scaleEvents.tasks.", ScaleEventsSection.class, "TASKS"),
          new Section(
              "demand.scaleEvents.tasks.workloads.X.", ScaleEventsSection.class, "TASK_POD"),
          new Section("forecast.", ForecastSection.class, "FORECAST"),
          new Section("calibration.", CalibrationSection.class, "CALIBRATION"),
          new Section("meters.", MetersSection.class, "METERS"),
          new Section("meters.kepler.", MetersSection.class, "KEPLER"),
          new Section("meters.dcmi.", MetersSection.class, "BMC"),
          new Section("meters.redfish.", MetersSection.class, "BMC"),
          new Section("api.", ApiSection.class, "KEYS"),
          new Section("safety.", SafetySection.class, "SAFETY"),
          new Section("safety.clusterHealth.", SafetySection.class, "CLUSTER_HEALTH"),
          new Section("safety.nodeHints.", SafetySection.class, "NODE_HINTS"),
          new Section("nodes[i].", NodesSection.class, "NODE"),
          new Section("nodes[i].power.", NodesSection.class, "POWER"),
          new Section("nodes[i].power.drivers[i].", NodesSection.class, "DRIVER"));

  @Test
  void everyAcceptedKeyHasARowAndEveryRowIsAccepted() throws Exception {
    Set<String> documented = documentedKeys();
    List<String> accepted = new ArrayList<>();
    for (Section section : SECTIONS) {
      for (String key : keys(section.owner(), section.field())) {
        accepted.add(section.prefix() + key);
      }
    }
    assertThat(documented).as("rows of docs/configuration.md").containsAll(accepted);
    List<String> unknown = new ArrayList<>();
    for (String row : documented) {
      boolean known =
          accepted.contains(row)
              || SECTIONS.stream()
                  .map(Section::prefix)
                  .anyMatch(p -> p.equals(row + ".") || p.equals(row + "[i]."))
              || row.equals("pools.X");
      if (!known) {
        unknown.add(row);
      }
    }
    assertThat(unknown).as("documented keys the loader does not accept").isEmpty();
  }

  private static Set<String> documentedKeys() throws IOException {
    Set<String> out = new java.util.TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(Files.readString(DOC));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Set<String> keys(Class<?> owner, String name) throws Exception {
    Field f = owner.getDeclaredField(name);
    assertThat(Modifier.isStatic(f.getModifiers())).isTrue();
    f.setAccessible(true);
    return (Set<String>) f.get(null);
  }
}
