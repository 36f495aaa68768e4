package io.ecokube.kubernetes;

import io.ecokube.api.cluster.ClusterNode;
import io.ecokube.api.net.IpNetwork;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeCondition;
import io.kubernetes.client.openapi.models.V1Taint;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a Kubernetes Node into the engine's {@link ClusterNode}, merged with the node's entry from
 * the config file. A pure function.
 *
 * <p>A Node is not trusted with power configuration: whoever may patch Nodes, and each node's own
 * kubelet, can write its annotations. The driver chain and every driver setting come from the
 * config file only. The Node may give the hints a {@link NodeHintPolicy} allows: {@code
 * ecokube.io/mac} for a configured {@code wol} driver and {@code ecokube.io/bmc-address} (an IP
 * literal inside an allowed network) for configured {@code ipmi} and {@code redfish} drivers.
 * Annotations that try to choose drivers or settings ({@code ecokube.io/power-drivers}, {@code
 * ecokube.io/power.<driver>.<key>}) and hints the policy refuses are left out and reported in
 * {@link Mapping#refused()}, by key only: their values may hold secrets.
 *
 * <p>The Node wins for label {@code ecokube.io/pool}. The config supplies the power profile. A node
 * is protected when the config says so or it carries {@code ecokube.io/protected=true}, {@code
 * cluster-autoscaler.kubernetes.io/scale-down-disabled=true} or {@code karpenter.sh/do-not-disrupt=
 * true} (a Node may always ask to be left alone, never to be powered off).
 *
 * <p>Taints that say the node is down or cordoned ({@code node.kubernetes.io/*}) and Eco-Kube's own
 * powered-off taint are left out: they go away when the node is woken, so they must not stop the
 * engine from waking it for a pod.
 */
public final class NodeMapper {
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}");

  private NodeMapper() {}

  /**
   * A mapped node and the annotations that were refused.
   *
   * @param node the node as the engine sees it
   * @param refused one message per refused annotation, naming the node and key, never the value
   */
  public record Mapping(ClusterNode node, List<String> refused) {
    /** Copies the list. */
    public Mapping {
      Objects.requireNonNull(node, "node");
      refused = List.copyOf(refused);
    }
  }

  /**
   * Maps a node.
   *
   * @param node the Kubernetes Node
   * @param configured the node's entry in the config file, if it has one
   * @param hints which hints the Node may give
   */
  public static Mapping map(V1Node node, Optional<NodeSpec> configured, NodeHintPolicy hints) {
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
    List<String> refused = new ArrayList<>();
    NodeSpec.Builder out =
        NodeSpec.builder(name)
            .pool(labels.getOrDefault(EcoKubeKeys.POOL, base.pool()))
            .labels(labels.isEmpty() ? base.labels() : labels)
            .power(base.power())
            .address(address(name, annotations, base.address(), hints, refused))
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
    return new Mapping(new ClusterNode(out.build(), isReady(node), cordoned), refused);
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

  private static PowerAddress address(
      String node,
      Map<String, String> annotations,
      PowerAddress configured,
      NodeHintPolicy hints,
      List<String> refused) {
    for (String key : new TreeSet<>(annotations.keySet())) {
      if (key.equals(EcoKubeKeys.POWER_DRIVERS)
          || key.startsWith(EcoKubeKeys.POWER_SETTING_PREFIX)) {
        refused.add(
            "Node "
                + node
                + ": annotation "
                + key
                + " ignored; drivers and their settings come from the config file only");
      }
    }
    Optional<String> mac = macHint(node, annotations, hints, refused);
    Optional<String> bmc = bmcHint(node, annotations, hints, refused);
    if (!configured.managed()) {
      return configured;
    }
    List<DriverSpec> out = new ArrayList<>();
    for (DriverSpec d : configured.chain()) {
      Map<String, String> settings = new LinkedHashMap<>(d.settings());
      switch (d.driver()) {
        case "wol" -> mac.ifPresent(m -> settings.put("mac", m));
        case "ipmi" -> bmc.ifPresent(h -> settings.put("host", h));
        case "redfish" ->
            bmc.ifPresent(h -> settings.put("endpoint", withHost(settings.get("endpoint"), h)));
        default -> {
          // Other drivers take no hint from the Node.
        }
      }
      out.add(new DriverSpec(d.driver(), settings));
    }
    return new PowerAddress(out);
  }

  private static Optional<String> macHint(
      String node, Map<String, String> annotations, NodeHintPolicy hints, List<String> refused) {
    String raw = annotations.get(EcoKubeKeys.MAC);
    if (raw == null) {
      return Optional.empty();
    }
    String mac = raw.trim().toLowerCase(Locale.ROOT);
    if (!hints.acceptMac()) {
      refused.add("Node " + node + ": annotation " + EcoKubeKeys.MAC + " ignored; hints are off");
      return Optional.empty();
    }
    if (!MAC.matcher(mac).matches()) {
      refused.add(
          "Node "
              + node
              + ": annotation "
              + EcoKubeKeys.MAC
              + " ignored; expected six hex pairs such as aa:bb:cc:dd:ee:ff (set it in the config"
              + " file otherwise)");
      return Optional.empty();
    }
    return Optional.of(mac);
  }

  private static Optional<String> bmcHint(
      String node, Map<String, String> annotations, NodeHintPolicy hints, List<String> refused) {
    String raw = annotations.get(EcoKubeKeys.BMC_ADDRESS);
    if (raw == null) {
      return Optional.empty();
    }
    Optional<InetAddress> ip = IpNetwork.literal(raw.trim());
    if (ip.isPresent() && hints.bmcAllowed(ip.get())) {
      return Optional.of(ip.get().getHostAddress());
    }
    refused.add(
        "Node "
            + node
            + ": annotation "
            + EcoKubeKeys.BMC_ADDRESS
            + (hints.bmcNetworks().isEmpty()
                ? " ignored; no BMC network is allowed for hints (set the address in the config"
                    + " file or allow a network)"
                : " ignored; it must be an IP literal inside "
                    + hints.bmcNetworks().stream().map(IpNetwork::toString).toList()));
    return Optional.empty();
  }

  /** The configured Redfish endpoint with its host replaced; scheme, port and path stay. */
  private static String withHost(String endpoint, String host) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (endpoint == null) {
      return "https://" + h;
    }
    try {
      URI u = new URI(endpoint);
      return new URI(u.getScheme(), null, h, u.getPort(), u.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      // The driver rejects the configured endpoint with its own message; keep it unchanged.
      return endpoint;
    }
  }

  private static boolean isTrue(Map<String, String> annotations, String key) {
    return "true".equalsIgnoreCase(annotations.get(key));
  }
}
