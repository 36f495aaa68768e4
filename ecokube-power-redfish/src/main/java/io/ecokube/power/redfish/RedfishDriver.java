package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.power.redfish.RedfishClient.Response;
import io.ecokube.power.redfish.RedfishSystem.ResetTypesSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers one node through its BMC's Redfish service: finds the node's ComputerSystem from the
 * service root, reads its {@code PowerState} and posts {@code #ComputerSystem.Reset} with a
 * ResetType the service allows.
 *
 * <p>ResetType choice, first allowed value wins (when the service publishes no allowed values the
 * first of each list, the specification's value, is sent and a log line says so):
 *
 * <ul>
 *   <li>power on: {@code On}, {@code ForceOn}, {@code PushPowerButton}
 *   <li>graceful off: {@code GracefulShutdown}, {@code PushPowerButton} (a short press asks the OS
 *       to shut down through ACPI)
 *   <li>forced off: {@code ForceOff}
 *   <li>power cycle: {@code PowerCycle}, {@code ForceRestart}
 * </ul>
 *
 * <p>A power-on of a system that reports {@code On} or {@code PoweringOn}, and a power-off of one
 * that reports {@code Off}, send nothing: some BMCs answer such a reset with an error.
 *
 * <p>Not thread-safe for concurrent power operations on the same node (the engine never issues
 * them); meter reads may run beside them.
 */
public final class RedfishDriver implements PowerDriver {
  /** The provider name. */
  public static final String NAME = "redfish";

  private static final Logger LOG = LoggerFactory.getLogger(RedfishDriver.class);
  private static final Set<String> FAILED_TASK_STATES =
      Set.of("Exception", "Killed", "Cancelled", "Interrupted");
  private static final Set<String> RUNNING_TASK_STATES =
      Set.of("New", "Starting", "Running", "Pending", "Suspended", "Stopping", "Service");

  /** What a reset is meant to achieve, with the ResetTypes that achieve it in preference order. */
  private enum Intent {
    ON("power on", List.of("On", "ForceOn", "PushPowerButton")),
    GRACEFUL_OFF("graceful power off", List.of("GracefulShutdown", "PushPowerButton")),
    FORCED_OFF("forced power off", List.of("ForceOff")),
    CYCLE("power cycle", List.of("PowerCycle", "ForceRestart"));

    final String label;
    final List<String> resetTypes;

    Intent(String label, List<String> resetTypes) {
      this.label = label;
      this.resetTypes = resetTypes;
    }
  }

  private final String node;
  private final RedfishSettings settings;
  private final RedfishClient client;
  private volatile boolean closed;
  private volatile RedfishSystem selected;

  /**
   * Creates a driver; no network I/O happens until the first call.
   *
   * @param node the node's name, for messages
   * @param settings validated settings
   * @param clock decides deadlines and Retry-After dates
   * @param sleeper waits between retries and task polls
   */
  public RedfishDriver(String node, RedfishSettings settings, Clock clock, Sleeper sleeper) {
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = new RedfishClient(node, settings, clock, sleeper);
  }

  /** Creates a driver that waits in real time. */
  public RedfishDriver(String node, RedfishSettings settings, Clock clock) {
    this(node, settings, clock, Sleeper.system());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return EnumSet.allOf(PowerCapability.class);
  }

  @Override
  public void powerOn() throws PowerException {
    requireOpen();
    reset(Intent.ON);
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    requireOpen();
    Objects.requireNonNull(mode, "mode");
    reset(mode == PowerOffMode.GRACEFUL ? Intent.GRACEFUL_OFF : Intent.FORCED_OFF);
  }

  /** Power-cycles the system ({@code PowerCycle}, else {@code ForceRestart}). */
  public void powerCycle() throws PowerException {
    requireOpen();
    reset(Intent.CYCLE);
  }

  @Override
  public PowerState readState() throws PowerException {
    requireOpen();
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
  private static PowerState powerState(String v) {
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
   * The ComputerSystem this driver powers, discovered once and cached.
   *
   * @throws PowerException {@link Kind#CONFIGURATION} when the {@code system} setting matches none
   *     or several systems, {@link Kind#UNSUPPORTED} when the service has no ComputerSystem
   */
  public RedfishSystem system() throws PowerException {
    requireOpen();
    return system(client.deadline());
  }

  /** Every ComputerSystem the service lists, read now. */
  public List<RedfishSystem> systems() throws PowerException {
    requireOpen();
    return systems(client.deadline());
  }

  /** The chassis power draw in watts (see {@link RedfishPowerMeter} for the sources tried). */
  public Optional<PowerReading> readPower() throws PowerException {
    requireOpen();
    Instant deadline = client.deadline();
    RedfishSystem sys = system(deadline);
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
    return new PowerReading(node, watts, client.clock().now(), NAME, true);
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

  private static Optional<String> link(JsonNode resource, String property) {
    String v = resource.path(property).path("@odata.id").asText("");
    return v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private static Optional<Double> number(JsonNode n) {
    return n.isNumber() && Double.isFinite(n.asDouble()) && n.asDouble() >= 0
        ? Optional.of(n.asDouble())
        : Optional.empty();
  }

  private RedfishSystem system(Instant deadline) throws PowerException {
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

  private List<RedfishSystem> systems(Instant deadline) throws PowerException {
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

  private static Optional<String> text(JsonNode n, String field) {
    String v = n.path(field).asText("");
    return v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  private static String lastSegment(String uri) {
    String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    return u.substring(u.lastIndexOf('/') + 1);
  }

  private void reset(Intent intent) throws PowerException {
    Instant deadline = client.deadline();
    RedfishSystem sys = system(deadline);
    URI systemUri = client.resolve(sys.uri());
    if (sys.resetTarget().isEmpty()) {
      throw client.error(
          Kind.UNSUPPORTED,
          systemUri,
          "the ComputerSystem has no #ComputerSystem.Reset action, so it cannot "
              + intent.label
              + " over Redfish; use another driver");
    }
    if (intent != Intent.CYCLE) {
      PowerState now = readState();
      boolean done =
          intent == Intent.ON
              ? now == PowerState.ON || now == PowerState.BOOTING
              : now == PowerState.OFF;
      if (done) {
        LOG.info("node '{}': {} skipped, the system is already {}", node, intent.label, now);
        return;
      }
    }
    String resetType = chooseResetType(sys, intent, systemUri);
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("ResetType", resetType);
    LOG.info(
        "node '{}': {} through Redfish ResetType {} at {}",
        node,
        intent.label,
        resetType,
        sys.resetTarget().get());
    Response r = client.send("POST", sys.resetTarget().get(), body, deadline);
    int st = r.status();
    if (st == 200 || st == 204) {
      return;
    }
    if (st == 202) {
      followTask(r, resetType);
      return;
    }
    String ids = RedfishClient.messageIds(r);
    if (st == 405
        || st == 501
        || (st == 400 && (ids.contains("NotSupported") || ids.contains("NotInList")))) {
      throw client.error(
          Kind.UNSUPPORTED,
          r.uri(),
          "the BMC refused ResetType "
              + resetType
              + " (HTTP "
              + st
              + RedfishClient.redfishMessage(r).map(m -> ": " + m).orElse("")
              + "); it cannot "
              + intent.label
              + " this way");
    }
    throw client.unexpected(r, "the " + resetType + " reset");
  }

  private String chooseResetType(RedfishSystem sys, Intent intent, URI systemUri)
      throws PowerException {
    if (sys.resetTypesSource() == ResetTypesSource.NOT_PUBLISHED) {
      String type = intent.resetTypes.get(0);
      LOG.info(
          "node '{}': no allowed ResetType values published; sending the specification's {} for"
              + " {}",
          node,
          type,
          intent.label);
      return type;
    }
    for (String candidate : intent.resetTypes) {
      if (sys.resetTypes().contains(candidate)) {
        if (!candidate.equals(intent.resetTypes.get(0))) {
          LOG.info(
              "node '{}': {} is not allowed by the BMC; using {} for {}",
              node,
              intent.resetTypes.get(0),
              candidate,
              intent.label);
        }
        return candidate;
      }
    }
    throw client.error(
        Kind.UNSUPPORTED,
        systemUri,
        "the BMC allows ResetType "
            + sys.resetTypes()
            + " ("
            + sys.resetTypesSource().name().toLowerCase(Locale.ROOT)
            + "), none of "
            + intent.resetTypes
            + " needed to "
            + intent.label
            + "; use another driver for this operation");
  }

  private void followTask(Response accepted, String resetType) throws PowerException {
    Optional<String> monitor =
        accepted
            .header("Location")
            .or(
                () ->
                    Optional.ofNullable(accepted.json())
                        .map(j -> j.path("@odata.id").asText(""))
                        .filter(s -> !s.isBlank()));
    if (monitor.isEmpty()) {
      LOG.info(
          "node '{}': {} accepted (HTTP 202) without a task monitor; not waiting", node, resetType);
      return;
    }
    URI uri = client.resolve(monitor.get());
    Clock clock = client.clock();
    Instant taskDeadline = clock.now().plus(settings.taskTimeout());
    // The poll count bounds the loop even when the clock is virtual and nobody advances it.
    long maxPolls = settings.taskTimeout().toMillis() / settings.taskPollInterval().toMillis() + 1;
    Duration wait = client.retryAfter(accepted).orElse(settings.taskPollInterval());
    for (long poll = 0; poll < maxPolls; poll++) {
      if (clock.now().plus(wait).isAfter(taskDeadline)) {
        break;
      }
      client.pause(wait, uri);
      Response r = client.send("GET", monitor.get(), null, taskDeadline);
      int st = r.status();
      String taskState = r.json() == null ? "" : r.json().path("TaskState").asText("");
      if (FAILED_TASK_STATES.contains(taskState)) {
        throw client.error(
            Kind.PROTOCOL,
            uri,
            "the "
                + resetType
                + " task ended in state "
                + taskState
                + taskMessages(r.json())
                + "; check the BMC's task log and the system");
      }
      if (st == 204 || (st == 200 && !RUNNING_TASK_STATES.contains(taskState))) {
        LOG.debug("node '{}': {} task finished ({})", node, resetType, taskState);
        return;
      }
      if (st == 404 || st == 410) {
        LOG.info(
            "node '{}': task monitor {} is gone (HTTP {}); treating the {} as delivered",
            node,
            uri,
            st,
            resetType);
        return;
      }
      if (st != 200 && st != 202) {
        throw client.unexpected(r, "following the " + resetType + " task");
      }
      wait = client.retryAfter(r).orElse(settings.taskPollInterval());
    }
    throw client.error(
        Kind.TIMEOUT,
        uri,
        "the "
            + resetType
            + " task did not finish within "
            + settings.taskTimeout().toMillis()
            + " ms; check the system's state and the BMC's task service, or raise "
            + RedfishSettings.TASK_TIMEOUT);
  }

  private static String taskMessages(JsonNode task) {
    if (task == null) {
      return "";
    }
    List<String> msgs = new ArrayList<>();
    task.path("Messages").forEach(m -> msgs.add(m.path("Message").asText("")));
    msgs.removeIf(String::isBlank);
    return msgs.isEmpty() ? "" : " (" + String.join("; ", msgs) + ")";
  }

  /** Deletes the Redfish session and releases threads. */
  @Override
  public void close() {
    closed = true;
    client.close();
  }

  /**
   * A closed driver belongs to a config that was replaced; without this check its client would log
   * in again with the old credentials.
   */
  private void requireOpen() throws PowerException {
    if (closed) {
      throw new PowerException(
          Kind.UNSUPPORTED,
          node,
          settings.endpoint().toString(),
          "this driver is closed; the engine builds a new one after a reload");
    }
  }

  @Override
  public String toString() {
    return "RedfishDriver[node="
        + node
        + ", endpoint="
        + settings.endpoint()
        + ", user="
        + settings.username()
        + "]";
  }
}
