package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.RedfishJson.link;
import static io.ecokube.power.redfish.RedfishJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerState;
import io.ecokube.power.redfish.RedfishClient.Response;
import io.ecokube.power.redfish.RedfishSystem.ResetTypesSource;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's ComputerSystem from the service root (the {@code system} setting picks one when
 * the service has several), with the ResetTypes it allows and its chassis, and reads its {@code
 * PowerState}.
 */
final class RedfishSystems {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishDriver.class);

  private final String node;
  private final RedfishSettings settings;
  private final RedfishClient client;
  private volatile RedfishSystem selected;

  RedfishSystems(String node, RedfishSettings settings, RedfishClient client) {
    this.node = node;
    this.settings = settings;
    this.client = client;
  }

  /** The system's power state, read now. */
  PowerState readState() throws PowerException {
    Instant deadline = client.deadline();
    RedfishSystem sys = system(deadline);
    Response r = client.send("GET", sys.uri(), null, deadline);
    if (r.status() == 404) {
      LOG.info("node '{}': system {} disappeared; discovering again", node, sys.uri());
      selected = null;
      sys = system(deadline);
      r = client.send("GET", sys.uri(), null, deadline);
    }
    if (r.status() != 200 || r.json() == null) {
      throw client.unexpected(r, "reading the system's PowerState");
    }
    JsonNode state = r.json().path("PowerState");
    if (!state.isTextual()) {
      throw client.error(
          Kind.PROTOCOL,
          r.uri(),
          "the ComputerSystem has no PowerState; this BMC cannot report power state over Redfish");
    }
    PowerState ps = powerState(state.asText());
    if (ps == null) {
      throw client.error(
          Kind.PROTOCOL,
          r.uri(),
          "unknown PowerState '"
              + state.asText()
              + "'; expected On, Off, PoweringOn, PoweringOff or Paused");
    }
    return ps;
  }

  /** Maps a Redfish PowerState; null when the value is not one the specification defines. */
  static PowerState powerState(String v) {
    switch (v) {
      case "On":
      case "Paused":
        return PowerState.ON;
      case "Off":
        return PowerState.OFF;
      case "PoweringOn":
        return PowerState.BOOTING;
      case "PoweringOff":
        return PowerState.SHUTTING_DOWN;
      default:
        return null;
    }
  }

  /**
   * The ComputerSystem the node is, discovered once and cached.
   *
   * @throws PowerException {@link Kind#CONFIGURATION} when the {@code system} setting matches none
   *     or several systems, {@link Kind#UNSUPPORTED} when the service has no ComputerSystem
   */
  RedfishSystem system(Instant deadline) throws PowerException {
    RedfishSystem s = selected;
    if (s != null) {
      return s;
    }
    List<RedfishSystem> all = systems(deadline);
    Optional<String> selector = settings.system();
    URI where = client.resolve(RedfishClient.SERVICE_ROOT);
    String found = all.stream().map(RedfishSystem::describe).collect(Collectors.joining("; "));
    if (selector.isPresent()) {
      List<RedfishSystem> matches =
          all.stream().filter(x -> x.matches(selector.get())).collect(Collectors.toList());
      if (matches.isEmpty()) {
        throw client.error(
            Kind.CONFIGURATION,
            where,
            "no ComputerSystem matches "
                + RedfishSettings.SYSTEM
                + "='"
                + selector.get()
                + "'; the service has: "
                + found
                + ". Set it to one of those Ids, UUIDs or HostNames");
      }
      if (matches.size() > 1) {
        throw client.error(
            Kind.CONFIGURATION,
            where,
            RedfishSettings.SYSTEM
                + "='"
                + selector.get()
                + "' is ambiguous: it matches "
                + matches.stream().map(RedfishSystem::describe).collect(Collectors.joining("; "))
                + ". Use the Id or @odata.id of one");
      }
      s = matches.get(0);
    } else if (all.size() > 1) {
      throw client.error(
          Kind.CONFIGURATION,
          where,
          "the service has "
              + all.size()
              + " ComputerSystems ("
              + found
              + "); set "
              + RedfishSettings.SYSTEM
              + " to the Id, UUID or HostName of this node's system");
    } else {
      s = all.get(0);
    }
    if (s.resetTypesSource() == ResetTypesSource.NOT_PUBLISHED && s.resetTarget().isPresent()) {
      LOG.info(
          "node '{}': system {} publishes no allowed ResetType values; the driver will send the"
              + " Redfish specification's defaults (On, GracefulShutdown, ForceOff, PowerCycle)",
          node,
          s.uri());
    }
    LOG.debug("node '{}': using Redfish system {} ({})", node, s.uri(), s.describe());
    selected = s;
    return s;
  }

  /** Every ComputerSystem the service lists, read now. */
  List<RedfishSystem> systems(Instant deadline) throws PowerException {
    JsonNode root = client.serviceRoot(deadline);
    Optional<String> systemsLink = link(root, "Systems");
    if (systemsLink.isEmpty()) {
      throw client.error(
          Kind.UNSUPPORTED,
          client.resolve(RedfishClient.SERVICE_ROOT),
          "the service root has no Systems collection, so this service manages no"
              + " ComputerSystem (a PDU, enclosure or switch?); point "
              + RedfishSettings.ENDPOINT
              + " at the server's own BMC");
    }
    JsonNode collection = client.getJson(systemsLink.get(), deadline);
    List<RedfishSystem> out = new ArrayList<>();
    for (JsonNode member : collection.path("Members")) {
      String uri = member.path("@odata.id").asText("");
      if (uri.isBlank()) {
        throw client.error(
            Kind.PROTOCOL, client.resolve(systemsLink.get()), "a Systems member has no @odata.id");
      }
      out.add(describe(uri, client.getJson(uri, deadline), deadline));
    }
    if (out.isEmpty()) {
      throw client.error(
          Kind.UNSUPPORTED,
          client.resolve(systemsLink.get()),
          "the Systems collection is empty; the BMC exposes no ComputerSystem (is the server"
              + " installed and the BMC fully booted?)");
    }
    return out;
  }

  private RedfishSystem describe(String uri, JsonNode sys, Instant deadline) throws PowerException {
    JsonNode reset = sys.path("Actions").path("#ComputerSystem.Reset");
    Optional<String> target =
        Optional.of(reset.path("target").asText("")).filter(t -> !t.isBlank());
    List<String> types = new ArrayList<>();
    ResetTypesSource source = ResetTypesSource.NOT_PUBLISHED;
    JsonNode inline = reset.path("ResetType@Redfish.AllowableValues");
    String actionInfo = reset.path("@Redfish.ActionInfo").asText("");
    if (inline.isArray()) {
      inline.forEach(v -> types.add(v.asText()));
      source = ResetTypesSource.INLINE;
    } else if (!actionInfo.isBlank()) {
      Optional<JsonNode> info = client.getIfPresent(actionInfo, deadline);
      if (info.isPresent()) {
        for (JsonNode p : info.get().path("Parameters")) {
          if ("ResetType".equals(p.path("Name").asText()) && p.path("AllowableValues").isArray()) {
            p.path("AllowableValues").forEach(v -> types.add(v.asText()));
            source = ResetTypesSource.ACTION_INFO;
          }
        }
      } else {
        LOG.warn(
            "node '{}': the reset ActionInfo {} of system {} is missing (HTTP 404)",
            node,
            actionInfo,
            uri);
      }
    }
    List<String> chassis = new ArrayList<>();
    for (JsonNode c : sys.path("Links").path("Chassis")) {
      String id = c.path("@odata.id").asText("");
      if (!id.isBlank()) {
        chassis.add(id);
      }
    }
    PowerState state = powerState(sys.path("PowerState").asText(""));
    return new RedfishSystem(
        uri,
        sys.path("Id").asText(lastSegment(uri)),
        text(sys, "UUID"),
        text(sys, "HostName"),
        state == null ? PowerState.UNKNOWN : state,
        target,
        types,
        source,
        chassis);
  }

  private static String lastSegment(String uri) {
    String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    return u.substring(u.lastIndexOf('/') + 1);
  }
}
