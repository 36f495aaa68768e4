package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.power.redfish.RedfishClient.Response;
import io.ecokube.power.redfish.RedfishSystem.ResetTypesSource;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts {@code #ComputerSystem.Reset} with the first ResetType the service allows for what is
 * wanted, skips a reset that would change nothing, and follows the task a 202 answer starts until
 * it ends or {@code taskTimeout} passes.
 */
final class RedfishResets {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishDriver.class);
  private static final Set<String> FAILED_TASK_STATES =
      Set.of("Exception", "Killed", "Cancelled", "Interrupted");
  private static final Set<String> RUNNING_TASK_STATES =
      Set.of("New", "Starting", "Running", "Pending", "Suspended", "Stopping", "Service");

  /** What a reset is meant to achieve, with the ResetTypes that achieve it in preference order. */
  enum Intent {
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
  private final RedfishSystems systems;

  RedfishResets(
      String node, RedfishSettings settings, RedfishClient client, RedfishSystems systems) {
    this.node = node;
    this.settings = settings;
    this.client = client;
    this.systems = systems;
  }

  /** Carries out a reset unless the system is already where the intent leads. */
  void reset(Intent intent) throws PowerException {
    Instant deadline = client.deadline();
    RedfishSystem sys = systems.system(deadline);
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
      PowerState now = systems.readState();
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
    String ids = RedfishErrors.messageIds(r);
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
              + RedfishErrors.redfishMessage(r).map(m -> ": " + m).orElse("")
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
}
