package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** Where each section's set of allowed keys sits in the document. */
  private static final Map<String, Map<Class<?>, String>> SECTIONS =
      Map.ofEntries(
          Map.entry("", Map.of(ConfigLoader.class, "TOP")),
          Map.entry("pools.X.", Map.of(PolicySection.class, "POOL")),
          Map.entry("engine.", Map.of(PolicySection.class, "ENGINE")),
          Map.entry("engine.budget.", Map.of(PolicySection.class, "BUDGET")),
          Map.entry("engine.green.", Map.of(PolicySection.class, "GREEN")),
          Map.entry("engine.carbon.", Map.of(PolicySection.class, "CARBON")),
          Map.entry("engine.carbon.deferrable[i].", Map.of(PolicySection.class, "DEFERRABLE")),
          Map.entry("accounting.", Map.of(AccountingSection.class, "ACCOUNTING")),
          Map.entry("demand.", Map.of(DemandSection.class, "DEMAND")),
          Map.entry("demand.kafka.", Map.of(DemandSection.class, "KAFKA")),
          Map.entry("demand.kafka.sasl.", Map.of(DemandSection.class, "SASL")),
          Map.entry("demand.kafka.workloads[i].", Map.of(DemandSection.class, "WORKLOAD")),
          Map.entry("nodes[i].", Map.of(NodesSection.class, "NODE")),
          Map.entry("nodes[i].power.", Map.of(NodesSection.class, "POWER")),
          Map.entry("nodes[i].power.drivers[i].", Map.of(NodesSection.class, "DRIVER")));

  @Test
  void everyAcceptedKeyHasARowAndEveryRowIsAccepted() throws Exception {
    Set<String> documented = documentedKeys();
    List<String> accepted = new ArrayList<>();
    for (Map.Entry<String, Map<Class<?>, String>> s : SECTIONS.entrySet()) {
      Map.Entry<Class<?>, String> field = s.getValue().entrySet().iterator().next();
      for (String key : keys(field.getKey(), field.getValue())) {
        accepted.add(s.getKey() + key);
      }
    }
    assertThat(documented).as("rows of docs/configuration.md").containsAll(accepted);
    List<String> unknown = new ArrayList<>();
    for (String row : documented) {
      boolean known =
          accepted.contains(row)
              || SECTIONS.containsKey(row + ".")
              || SECTIONS.keySet().stream()
                  .anyMatch(p -> p.endsWith("[i].") && p.equals(row + "[i]."))
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
