package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.RedfishJson.link;
import static io.ecokube.power.redfish.RedfishJson.number;

import com.fasterxml.jackson.databind.JsonNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerReading;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The power draw of the node's chassis, from the first source the service publishes:
 * EnvironmentMetrics, the older Power resource, or the sum of the power supplies' input watts.
 */
final class ChassisPower {
  private final String node;
  private final RedfishSettings settings;
  private final RedfishClient client;
  private final RedfishSystems systems;

  ChassisPower(
      String node, RedfishSettings settings, RedfishClient client, RedfishSystems systems) {
    this.node = node;
    this.settings = settings;
    this.client = client;
    this.systems = systems;
  }

  /** The chassis power draw in watts (see {@link RedfishPowerMeter} for the sources tried). */
  Optional<PowerReading> read() throws PowerException {
    Instant deadline = client.deadline();
    RedfishSystem sys = systems.system(deadline);
    String chassisUri = chassisUri(sys, deadline);
    JsonNode chassis = client.getJson(chassisUri, deadline);
    boolean anySource = false;
    Optional<String> em = link(chassis, "EnvironmentMetrics");
    if (em.isPresent()) {
      Optional<JsonNode> j = client.getIfPresent(em.get(), deadline);
      anySource |= j.isPresent();
      Optional<Double> w = j.flatMap(n -> number(n.path("PowerWatts").path("Reading")));
      if (w.isPresent()) {
        return Optional.of(reading(w.get()));
      }
    }
    Optional<String> power = link(chassis, "Power");
    if (power.isPresent()) {
      Optional<JsonNode> j = client.getIfPresent(power.get(), deadline);
      anySource |= j.isPresent();
      if (j.isPresent()) {
        for (JsonNode pc : j.get().path("PowerControl")) {
          Optional<Double> w = number(pc.path("PowerConsumedWatts"));
          if (w.isPresent()) {
            return Optional.of(reading(w.get()));
          }
        }
      }
    }
    Optional<String> subsystem = link(chassis, "PowerSubsystem");
    if (subsystem.isPresent()) {
      Optional<JsonNode> j = client.getIfPresent(subsystem.get(), deadline);
      anySource |= j.isPresent();
      if (j.isPresent()) {
        Optional<Double> w = powerSupplyInputWatts(j.get(), deadline);
        if (w.isPresent()) {
          return Optional.of(reading(w.get()));
        }
      }
    }
    if (anySource) {
      return Optional.empty();
    }
    throw client.error(
        Kind.UNSUPPORTED,
        client.resolve(chassisUri),
        "the chassis publishes no power reading (EnvironmentMetrics, Power or PowerSubsystem);"
            + " use another power meter for this node");
  }

  /** The sum of every enabled power supply's input watts, when all of them report one. */
  private Optional<Double> powerSupplyInputWatts(JsonNode subsystem, Instant deadline)
      throws PowerException {
    Optional<String> suppliesLink = link(subsystem, "PowerSupplies");
    if (suppliesLink.isEmpty()) {
      return Optional.empty();
    }
    Optional<JsonNode> supplies = client.getIfPresent(suppliesLink.get(), deadline);
    if (supplies.isEmpty()) {
      return Optional.empty();
    }
    double sum = 0;
    int counted = 0;
    for (JsonNode member : supplies.get().path("Members")) {
      Optional<JsonNode> psu = client.getIfPresent(member.path("@odata.id").asText(), deadline);
      if (psu.isEmpty()) {
        return Optional.empty();
      }
      String state = psu.get().path("Status").path("State").asText("Enabled");
      if (!state.equals("Enabled")) {
        continue;
      }
      Optional<String> metrics = link(psu.get(), "Metrics");
      Optional<Double> w =
          metrics.isEmpty()
              ? Optional.empty()
              : client
                  .getIfPresent(metrics.get(), deadline)
                  .flatMap(m -> number(m.path("InputPowerWatts").path("Reading")));
      if (w.isEmpty()) {
        return Optional.empty();
      }
      sum += w.get();
      counted++;
    }
    return counted == 0 ? Optional.empty() : Optional.of(sum);
  }

  private PowerReading reading(double watts) {
    return new PowerReading(node, watts, client.clock().now(), RedfishDriver.NAME, true);
  }

  private String chassisUri(RedfishSystem sys, Instant deadline) throws PowerException {
    Optional<String> selector = settings.chassis();
    if (selector.isPresent()) {
      String s = selector.get();
      if (s.startsWith("/")) {
        return s;
      }
      JsonNode root = client.serviceRoot(deadline);
      String collection =
          link(root, "Chassis")
              .orElseThrow(
                  () ->
                      client.error(
                          Kind.UNSUPPORTED,
                          settings.endpoint(),
                          "the service root has no Chassis collection; unset "
                              + RedfishSettings.CHASSIS));
      return (collection.endsWith("/") ? collection : collection + "/")
          + URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
    if (sys.chassis().isEmpty()) {
      throw client.error(
          Kind.UNSUPPORTED,
          client.resolve(sys.uri()),
          "the system links to no chassis; set "
              + RedfishSettings.CHASSIS
              + " to the chassis Id whose power readings belong to this node");
    }
    return sys.chassis().get(0);
  }
}
