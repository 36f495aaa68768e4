package io.ecokube.controller.resources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.net.IpNetwork;
import io.ecokube.kubernetes.crd.CustomResource;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds a NodePool's driver chain for one of its Nodes. This is the trust boundary of the mapping:
 * the drivers, their settings and Secret references come from the NodePool only; the Node
 * contributes at most the one address the NodePool asks for, and only an IP literal inside the
 * NodePool's {@code allowedAddressNetworks} (or a MAC for the setting {@code mac}); a Secret is
 * always looked up in the NodePool's own namespace.
 */
final class NodeDriverChain {
  private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}");

  private NodeDriverChain() {}

  /**
   * The NodePool's chain for one Node; empty (the Node stays unmanaged) when its address is bad.
   */
  static Optional<ArrayNode> drivers(
      CustomResource r, JsonNode power, NodeFacts n, List<String> warn) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode d : power.path("drivers")) {
      ObjectNode driver = out.addObject();
      driver.set("driver", d.get("driver"));
      ObjectNode settings = driver.putObject("settings");
      if (d.path("settings").isObject()) {
        settings.setAll((ObjectNode) d.get("settings").deepCopy());
      }
      JsonNode address = d.path("nodeAddress");
      if (address.isObject()) {
        Optional<String> value = address(address, power, n, warn);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        settings.put(address.path("setting").asText(), value.get());
      }
      for (JsonNode s : d.path("secretRefs")) {
        settings.put(
            s.path("setting").asText(),
            "k8s:" + r.namespace() + "/" + s.path("name").asText() + "/" + s.path("key").asText());
      }
    }
    return Optional.of(out);
  }

  private static Optional<String> address(
      JsonNode address, JsonNode power, NodeFacts n, List<String> warn) {
    String setting = address.path("setting").asText();
    if (address.has("template")) {
      return Optional.of(address.get("template").asText().replace("{node}", n.name()));
    }
    boolean label = address.has("fromLabel");
    String k = label ? address.path("fromLabel").asText() : address.path("fromAnnotation").asText();
    String raw = (label ? n.labels() : n.annotations()).get(k);
    String where = (label ? "label " : "annotation ") + k;
    if (raw == null || raw.isBlank()) {
      warn.add("Node " + n.name() + " has no " + where + "; it is left unmanaged (never powered)");
      return Optional.empty();
    }
    String v = raw.trim();
    if (setting.equals("mac")) {
      String mac = v.toLowerCase(Locale.ROOT);
      if (MAC.matcher(mac).matches()) {
        return Optional.of(mac);
      }
      warn.add(
          "Node "
              + n.name()
              + ": "
              + where
              + " is not a MAC address (six hex pairs such as aa:bb:cc:dd:ee:ff); it is left"
              + " unmanaged");
      return Optional.empty();
    }
    Optional<InetAddress> ip = IpNetwork.literal(v);
    List<String> networks = new ArrayList<>();
    power.path("allowedAddressNetworks").forEach(x -> networks.add(x.asText()));
    boolean inside =
        ip.isPresent()
            && networks.stream()
                .anyMatch(
                    c -> {
                      try {
                        return IpNetwork.parse(c).contains(ip.get());
                      } catch (IllegalArgumentException e) {
                        return false;
                      }
                    });
    if (!inside) {
      warn.add(
          "Node "
              + n.name()
              + ": "
              + where
              + " must be an IP address inside allowedAddressNetworks "
              + networks
              + "; it is left unmanaged");
      return Optional.empty();
    }
    String host = ip.get().getHostAddress();
    if (setting.equals("endpoint")) {
      return Optional.of("https://" + (host.contains(":") ? "[" + host + "]" : host));
    }
    return Optional.of(host);
  }
}
