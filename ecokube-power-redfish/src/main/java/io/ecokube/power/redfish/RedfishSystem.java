package io.ecokube.power.redfish;

import io.ecokube.api.power.PowerState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A ComputerSystem as discovered on a Redfish service.
 *
 * @param uri the system's {@code @odata.id}
 * @param id its {@code Id}
 * @param uuid its {@code UUID}, if published
 * @param hostName its {@code HostName}, if published
 * @param powerState its {@code PowerState} at discovery ({@link PowerState#UNKNOWN} when absent)
 * @param resetTarget the {@code #ComputerSystem.Reset} action's target, if the system has one
 * @param resetTypes the ResetType values the service allows; empty when it publishes none
 * @param resetTypesSource where {@code resetTypes} came from
 * @param chassis the {@code @odata.id}s of the chassis the system links to
 */
public record RedfishSystem(
    String uri,
    String id,
    Optional<String> uuid,
    Optional<String> hostName,
    PowerState powerState,
    Optional<String> resetTarget,
    List<String> resetTypes,
    ResetTypesSource resetTypesSource,
    List<String> chassis) {

  /** Where the allowed ResetType values were read from. */
  public enum ResetTypesSource {
    /** {@code ResetType@Redfish.AllowableValues} on the action. */
    INLINE,
    /** The {@code Parameters[].AllowableValues} of the action's {@code @Redfish.ActionInfo}. */
    ACTION_INFO,
    /** Neither: the driver falls back to the specification's values. */
    NOT_PUBLISHED
  }

  /** Validates and copies. */
  public RedfishSystem {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(hostName, "hostName");
    Objects.requireNonNull(powerState, "powerState");
    Objects.requireNonNull(resetTarget, "resetTarget");
    resetTypes = List.copyOf(resetTypes);
    Objects.requireNonNull(resetTypesSource, "resetTypesSource");
    chassis = List.copyOf(chassis);
  }

  /** Whether a selector (Id, UUID, HostName or {@code @odata.id}) names this system. */
  public boolean matches(String selector) {
    String s = selector.trim();
    return s.equalsIgnoreCase(id)
        || uuid.map(s::equalsIgnoreCase).orElse(false)
        || hostName.map(s::equalsIgnoreCase).orElse(false)
        || stripSlash(s).equals(stripSlash(uri));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** A one-line description for messages: Id, UUID, HostName. */
  public String describe() {
    return "Id="
        + id
        + uuid.map(u -> ", UUID=" + u).orElse("")
        + hostName.map(h -> ", HostName=" + h).orElse("");
  }
}
