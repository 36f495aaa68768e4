package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Taint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a Kubernetes Node into the engine's {@link ClusterNode}, merged with the node's entry from
 * the config file. A pure function.
 *
 * <p>The Node wins where it says something: label {@code ecokube.io/pool}, annotation {@code
 * ecokube.io/power-drivers} (replaces the config's chain), {@code ecokube.io/power.<driver>.<key>},
 * {@code ecokube.io/mac} and {@code ecokube.io/bmc-address} (added to the matching drivers'
 * settings). The config supplies the power profile and anything the Node leaves out. A node is
 * protected when the config says so or it carries {@code ecokube.io/protected=true}, {@code
 * cluster-autoscaler.kubernetes.io/scale-down-disabled=true} or {@code karpenter.sh/do-not-disrupt=
 * true}.
 *
 * <p>Taints that say the node is down or cordoned ({@code node.kubernetes.io/*}) and Eco-Kube's own
 * powered-off taint are left out: they go away when the node is woken, so they must not stop the
 * engine from waking it for a pod.
 */
public final class NodeMapper {
  private NodeMapper() {}

  /**
   * Maps a node.
   *
   * @param node the Kubernetes Node
   * @param configured the node's entry in the config file, if it has one
   */
  public static ClusterNode map(V1Node node, Optional<NodeSpec> configured) {
    var meta = node.getMetadata();
    if (meta == null || meta.getName() == null) {
      throw new IllegalArgumentException("Node without metadata.name cannot be mapped");
    }
    String name = meta.getName();
    Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
    Map<String, String> annotations =
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    NodeSpec.Builder b =
        configured.map(NodeSpec::toBuilder).orElseGet(() -> NodeSpec.builder(name));
    if (configured.isPresent() && !configured.get().name().equals(name)) {
      throw new IllegalArgumentException(
          "config entry '" + configured.get().name() + "' given for Node '" + name + "'");
    }
    // The Node's labels and taints are the truth; the config's are only a fallback for tests.
    NodeSpec base = b.build();
    NodeSpec.Builder out =
        NodeSpec.builder(name)
            .pool(labels.getOrDefault(EcoKubeKeys.POOL, base.pool()))
            .labels(labels.isEmpty() ? base.labels() : labels)
            .power(base.power())
            .address(address(annotations, base.address()))
            .protectedNode(
                base.protectedNode()
                    || isTrue(annotations, EcoKubeKeys.PROTECTED)
                    || isTrue(annotations, EcoKubeKeys.CA_SCALE_DOWN_DISABLED)
                    || isTrue(annotations, EcoKubeKeys.KARPENTER_DO_NOT_DISRUPT))
            .controlPlane(
                base.controlPlane()
                    || labels.containsKey(EcoKubeKeys.CONTROL_PLANE_ROLE)
                    || labels.containsKey("node-role.kubernetes.io/master"));
    List<Taint> taints = taints(node);
    (taints.isEmpty() && node.getSpec() == null ? base.taints() : taints).forEach(out::taint);
    var allocatable = node.getStatus() == null ? null : node.getStatus().getAllocatable();
    out.allocatable(
        allocatable == null || allocatable.isEmpty()
            ? base.allocatable()
            : Quantities.allocatable(allocatable));
    boolean cordoned =
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    return new ClusterNode(out.build(), isReady(node), cordoned);
  }

  /** Whether the Node's Ready condition is True. */
  public static boolean isReady(V1Node node) {
    if (node.getStatus() == null || node.getStatus().getConditions() == null) {
      return false;
    }
    for (V1NodeCondition c : node.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return "True".equals(c.getStatus());
      }
    }
    return false;
  }

  private static List<Taint> taints(V1Node node) {
    List<Taint> out = new ArrayList<>();
    if (node.getSpec() == null || node.getSpec().getTaints() == null) {
      return out;
    }
    for (V1Taint t : node.getSpec().getTaints()) {
      if (t.getKey() == null
          || t.getKey().startsWith("node.kubernetes.io/")
          || t.getKey().equals(EcoKubeKeys.POWERED_OFF_TAINT)) {
        continue;
      }
      out.add(
          new Taint(t.getKey(), t.getValue() == null ? "" : t.getValue(), effect(t.getEffect())));
    }
    return out;
  }

  static TaintEffect effect(String effect) {
    return switch (effect) {
      case "NoSchedule" -> TaintEffect.NO_SCHEDULE;
      case "PreferNoSchedule" -> TaintEffect.PREFER_NO_SCHEDULE;
      case "NoExecute" -> TaintEffect.NO_EXECUTE;
      default ->
          throw new IllegalArgumentException(
              "unknown taint effect '"
                  + effect
                  + "'; expected NoSchedule, PreferNoSchedule or NoExecute");
    };
  }

  private static PowerAddress address(Map<String, String> annotations, PowerAddress configured) {
    List<String> names;
    String chain = annotations.get(EcoKubeKeys.POWER_DRIVERS);
    if (chain != null && !chain.isBlank()) {
      names = new ArrayList<>();
      for (String s : chain.split(",")) {
        if (!s.isBlank()) {
          names.add(s.trim());
        }
      }
    } else {
      names = configured.chain().stream().map(DriverSpec::driver).toList();
    }
    if (names.isEmpty()) {
      return PowerAddress.UNMANAGED;
    }
    List<DriverSpec> out = new ArrayList<>();
    for (String driver : names) {
      Map<String, String> settings = new LinkedHashMap<>();
      configured.chain().stream()
          .filter(d -> d.driver().equals(driver))
          .findFirst()
          .ifPresent(d -> settings.putAll(d.settings()));
      if (driver.equals("wol") && annotations.containsKey(EcoKubeKeys.MAC)) {
        settings.put("mac", annotations.get(EcoKubeKeys.MAC));
      }
      if (Set.of("ipmi", "redfish").contains(driver)
          && annotations.containsKey(EcoKubeKeys.BMC_ADDRESS)) {
        settings.put("host", annotations.get(EcoKubeKeys.BMC_ADDRESS));
      }
      String prefix = EcoKubeKeys.POWER_SETTING_PREFIX + driver + ".";
      for (Map.Entry<String, String> e : annotations.entrySet()) {
        if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
          settings.put(e.getKey().substring(prefix.length()), e.getValue());
        }
      }
      out.add(new DriverSpec(driver, settings));
    }
    return new PowerAddress(out);
  }

  private static boolean isTrue(Map<String, String> annotations, String key) {
    return "true".equalsIgnoreCase(annotations.get(key));
  }
}
