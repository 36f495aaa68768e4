package io.ecokube.core.driver;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a driver setting points at: a MAC address, a BMC or host address with its port, a Redfish
 * endpoint and system. Two nodes that point at the same machine are a configuration error that
 * powers the wrong machine off, so neither may be powered off while they do.
 *
 * <p>Use {@link #conflicts(Collection)} at load time over the config file's nodes, and at run time
 * over every snapshot (the engine does).
 */
public final class PowerIdentity {
  private PowerIdentity() {}

  /** The identities one node's chain points at, as {@code kind=value} strings. */
  public static List<String> of(NodeSpec spec) {
    List<String> out = new ArrayList<>();
    for (DriverSpec d : spec.address().chain()) {
      out.addAll(of(d));
    }
    return out;
  }

  /** The identities one driver of a chain points at, as {@code kind=value} strings. */
  public static List<String> of(DriverSpec d) {
    List<String> out = new ArrayList<>();
    Map<String, String> s = d.settings();
    setting(s, "mac").ifPresent(m -> out.add("mac=" + m.replace('-', ':')));
    setting(s, "host")
        .ifPresent(h -> out.add(d.driver() + "=" + h + ":" + setting(s, "port").orElse("")));
    setting(s, "endpoint")
        .ifPresent(e -> out.add(d.driver() + "=" + e + "#" + setting(s, "system").orElse("")));
    return out;
  }

  /**
   * The nodes that share an identity with another node.
   *
   * @return node name to a message naming the shared identity and the other nodes; empty when every
   *     node points at its own machine
   */
  public static Map<String, String> conflicts(Collection<NodeSpec> nodes) {
    Map<String, List<String>> byIdentity = new TreeMap<>();
    for (NodeSpec n : nodes) {
      for (String id : new LinkedHashSet<>(of(n))) {
        byIdentity.computeIfAbsent(id, k -> new ArrayList<>()).add(n.name());
      }
    }
    Map<String, String> out = new TreeMap<>();
    byIdentity.forEach(
        (id, names) -> {
          if (names.size() > 1) {
            for (String n : names) {
              List<String> others = names.stream().filter(o -> !o.equals(n)).toList();
              out.merge(
                  n,
                  "node "
                      + n
                      + " shares "
                      + id
                      + " with "
                      + String.join(", ", others)
                      + "; give each node the address of its own machine",
                  (a, b) -> a + "; " + b);
            }
          }
        });
    return out;
  }

  private static Optional<String> setting(Map<String, String> s, String key) {
    String v = s.get(key);
    return v == null || v.isBlank()
        ? Optional.empty()
        : Optional.of(v.trim().toLowerCase(Locale.ROOT));
  }
}
