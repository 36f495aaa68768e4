package io.ecokube.power.ipmi;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import io.ecokube.power.ipmi.lan.AuthType;
import io.ecokube.power.ipmi.lan.LanSession;
import io.ecokube.power.ipmi.rmcp.CompletionCodes;
import io.ecokube.power.ipmi.rmcp.Deadline;
import io.ecokube.power.ipmi.rmcp.ExchangePacer;
import io.ecokube.power.ipmi.rmcp.IpmiSession;
import io.ecokube.power.ipmi.rmcp.RmcpException;
import io.ecokube.power.ipmi.rmcp.RmcpPlusSession;
import io.ecokube.power.ipmi.rmcp.SessionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers one node through its BMC over IPMI v2.0 LAN (RMCP+), or IPMI 1.5 LAN when the {@code
 * protocol} setting says {@code lan}. One session is kept open between calls and replaced when it
 * has been idle too long or stops answering; {@link #close()} ends it with Close Session. Every
 * call is bounded by the {@code timeout} setting, session setup included.
 *
 * <p>{@link #powerOff(PowerOffMode) powerOff(GRACEFUL)} is an ACPI soft-off, {@code FORCED} a hard
 * power-off. {@link #powerCycle()} and {@link #hardReset()} are there for operators and tools.
 */
public final class IpmiPowerDriver implements PowerDriver {
  private static final Logger log = LoggerFactory.getLogger(IpmiPowerDriver.class);

  /** The provider name. */
  public static final String NAME = "ipmi";

  private static final int NETFN_CHASSIS = 0x00;
  private static final int CMD_GET_CHASSIS_STATUS = 0x01;
  private static final int CMD_CHASSIS_CONTROL = 0x02;
  private static final int NETFN_GROUP_EXTENSION = 0x2C;
  private static final int CMD_DCMI_GET_POWER_READING = 0x02;
  private static final byte DCMI_GROUP = (byte) 0xDC;

  private final String node;
  private final IpmiSettings settings;
  private final SessionConfig sessionConfig;
  private final Clock clock;
  private IpmiSession session;
  private Instant lastUsed;
  private int sessionsOpened;
  private boolean closed;

  /**
   * Creates a driver with a pacer of its own; no network I/O happens until the first call. Nodes
   * that share one BMC should get their drivers from one {@link IpmiPowerDriverProvider} instead,
   * so that their requests to that BMC are paced together.
   *
   * @param node the node's name, for messages
   * @param settings the validated settings
   * @param clock measures session idle time and command spacing
   */
  public IpmiPowerDriver(String node, IpmiSettings settings, Clock clock) {
    this(
        node,
        settings,
        clock,
        new BmcPacer(settings.minCommandInterval(), clock, Sleeper.system()));
  }

  IpmiPowerDriver(String node, IpmiSettings settings, Clock clock, ExchangePacer pacer) {
    this.node = Objects.requireNonNull(node, "node");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sessionConfig = settings.sessionConfig(pacer);
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
    chassisControl(ChassisControl.POWER_UP);
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    chassisControl(
        mode == PowerOffMode.GRACEFUL ? ChassisControl.SOFT_SHUTDOWN : ChassisControl.POWER_DOWN);
  }

  /** Power cycle: off, then on again after the BMC's delay (Chassis Control 02h). */
  public void powerCycle() throws PowerException {
    chassisControl(ChassisControl.POWER_CYCLE);
  }

  /** Hard reset without a power-off (Chassis Control 03h). */
  public void hardReset() throws PowerException {
    chassisControl(ChassisControl.HARD_RESET);
  }

  @Override
  public PowerState readState() throws PowerException {
    byte[] data =
        call(
            "read power state (Get Chassis Status)",
            (s, d) ->
                s.execute(
                    "Get Chassis Status", NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, new byte[0], d));
    if (data.length < 1) {
      throw new PowerException(
          PowerException.Kind.PROTOCOL,
          node,
          settings.endpoint(),
          "Get Chassis Status answered without data; the BMC does not follow IPMI v2.0");
    }
    return (data[0] & 0x01) != 0 ? PowerState.ON : PowerState.OFF;
  }

  /**
   * Reads the machine's power draw with DCMI Get Power Reading.
   *
   * @return the reading, or empty when the BMC reports that power measurement is not active
   * @throws PowerException {@link PowerException.Kind#UNSUPPORTED} when the BMC has no DCMI
   */
  public Optional<PowerReading> readPower() throws PowerException {
    byte[] data =
        call(
            "read power (DCMI Get Power Reading)",
            (s, d) ->
                s.execute(
                    "DCMI Get Power Reading",
                    NETFN_GROUP_EXTENSION,
                    CMD_DCMI_GET_POWER_READING,
                    new byte[] {DCMI_GROUP, 0x01, 0x00, 0x00},
                    d));
    if (data.length < 18 || data[0] != DCMI_GROUP) {
      throw new PowerException(
          PowerException.Kind.PROTOCOL,
          node,
          settings.endpoint(),
          "DCMI Get Power Reading answered " + data.length + " bytes; expected 18 starting DCh");
    }
    boolean active = (data[17] & 0x40) != 0;
    if (!active) {
      return Optional.empty();
    }
    int watts = (data[1] & 0xff) | (data[2] & 0xff) << 8;
    // BMC clocks are often unset; the time of reading is the honest timestamp.
    return Optional.of(new PowerReading(node, watts, clock.now(), IpmiDcmiPowerMeter.NAME, true));
  }

  /** A meter for this node alone that reads through this driver's session. */
  public PowerMeter powerMeter() {
    return new IpmiDcmiPowerMeter(Map.of(node, this));
  }

  /** The cipher suite of the open session, if an RMCP+ session is open. */
  public synchronized OptionalInt cipherSuiteInUse() {
    return session instanceof RmcpPlusSession s
        ? OptionalInt.of(s.cipherSuite().id())
        : OptionalInt.empty();
  }

  /** How many sessions this driver has opened so far. */
  public synchronized int sessionsOpened() {
    return sessionsOpened;
  }

  /** The node this driver powers. */
  public String node() {
    return node;
  }

  private void chassisControl(ChassisControl action) throws PowerException {
    call(
        action.description() + " (Chassis Control " + String.format("%02Xh", action.code()) + ")",
        (s, d) ->
            s.execute(
                "Chassis Control",
                NETFN_CHASSIS,
                CMD_CHASSIS_CONTROL,
                new byte[] {(byte) action.code()},
                d));
    log.info(
        "node '{}': {} requested from BMC {}", node, action.description(), settings.endpoint());
  }

  @FunctionalInterface
  private interface SessionCall<T> {
    T apply(IpmiSession session, Deadline deadline) throws RmcpException;
  }

  private synchronized <T> T call(String what, SessionCall<T> op) throws PowerException {
    if (closed) {
      throw new IllegalStateException("the ipmi driver of node '" + node + "' is closed");
    }
    Deadline deadline = Deadline.after(settings.timeout());
    try {
      boolean reused = session != null && !idleTooLong();
      if (!reused) {
        replaceSession(deadline);
      }
      try {
        return used(op.apply(session, deadline));
      } catch (RmcpException e) {
        if (e.failure() == RmcpException.Failure.COMPLETION_CODE) {
          lastUsed = clock.now();
          throw e;
        }
        session.abandon();
        session = null;
        if (reused && e.failure() == RmcpException.Failure.TIMEOUT && !deadline.expired()) {
          // The BMC may have dropped the session (reboot, its own idle timeout): start afresh.
          log.debug("node '{}': reused IPMI session stopped answering; opening a new one", node);
          replaceSession(deadline);
          return used(op.apply(session, deadline));
        }
        throw e;
      }
    } catch (RmcpException e) {
      if (session != null && e.failure() != RmcpException.Failure.COMPLETION_CODE) {
        session.abandon();
        session = null;
      }
      throw toPowerException(what, e);
    }
  }

  private <T> T used(T result) {
    lastUsed = clock.now();
    return result;
  }

  private boolean idleTooLong() {
    return lastUsed == null
        || Duration.between(lastUsed, clock.now()).compareTo(settings.sessionIdleTimeout()) >= 0;
  }

  private void replaceSession(Deadline deadline) throws RmcpException {
    if (session != null) {
      session.closeWithoutWaiting();
      session = null;
    }
    if (settings.protocol() == IpmiSettings.Protocol.LAN) {
      session = openLan(deadline);
      return;
    }
    RmcpPlusSession rmcp = RmcpPlusSession.open(sessionConfig, deadline);
    session = rmcp;
    sessionsOpened++;
    if (sessionsOpened == 1) {
      log.info(
          "node '{}': IPMI session with BMC {} uses cipher suite {} (offered {})",
          node,
          settings.endpoint(),
          rmcp.cipherSuite().id(),
          settings.cipherSuites());
    }
    if (rmcp.cipherSuite().unauthenticated()) {
      log.warn(
          "node '{}': IPMI session with BMC {} runs on cipher suite 0: NO authentication, NO"
              + " integrity, NO encryption (CVE-2013-4782); anyone on this network can power this"
              + " machine. Enable cipher suite 17 or 3 on the BMC and remove 0 from cipherSuites.",
          node,
          settings.endpoint());
    }
  }

  private LanSession openLan(Deadline deadline) throws RmcpException {
    AuthType type = settings.lanAuthType();
    LanSession lan = LanSession.open(sessionConfig, type, deadline);
    sessionsOpened++;
    if (sessionsOpened == 1) {
      log.info(
          "node '{}': IPMI 1.5 session with BMC {} uses auth type {}",
          node,
          settings.endpoint(),
          type.settingName());
    }
    if (type == AuthType.NONE) {
      log.warn(
          "node '{}': IPMI 1.5 session with BMC {} runs with auth type NONE: NO authentication,"
              + " NO integrity, NO encryption; anyone on this network can power this machine."
              + " Use protocol lanplus, or at least lanAuthType md5.",
          node,
          settings.endpoint());
    } else if (type == AuthType.STRAIGHT) {
      log.warn(
          "node '{}': IPMI 1.5 session with BMC {} runs with auth type STRAIGHT: the BMC password"
              + " crosses the network in CLEAR TEXT in every packet; anyone on this network can"
              + " read it. Use protocol lanplus, or at least lanAuthType md5.",
          node,
          settings.endpoint());
    }
    return lan;
  }

  private PowerException toPowerException(String what, RmcpException e) {
    PowerException.Kind kind;
    String hint;
    switch (e.failure()) {
      case NO_ANSWER:
      case NETWORK:
        kind = PowerException.Kind.UNREACHABLE;
        hint =
            "; check the host and port settings, that IPMI over LAN is enabled on the BMC, that"
                + " the BMC has standby power and that no firewall drops UDP "
                + settings.port();
        break;
      case TIMEOUT:
      case INTERRUPTED:
        kind = PowerException.Kind.TIMEOUT;
        hint =
            "; the BMC stopped answering within timeout "
                + settings.timeout().toMillis()
                + " ms; it may be busy or rebooting (check its load and network, or raise"
                + " timeout)";
        break;
      case AUTHENTICATION:
        kind = PowerException.Kind.AUTHENTICATION;
        hint = "";
        break;
      case CIPHER_SUITE_REFUSED:
      case AUTH_TYPE_REFUSED:
        kind = PowerException.Kind.UNSUPPORTED;
        hint = "";
        break;
      case COMPLETION_CODE:
        int cc = e.completionCode().orElse(-1);
        if (cc == CompletionCodes.INVALID_COMMAND
            || cc == CompletionCodes.NOT_SUPPORTED_IN_PRESENT_STATE
            || cc == CompletionCodes.COMMAND_DISABLED) {
          kind = PowerException.Kind.UNSUPPORTED;
          hint = "; this BMC does not offer it";
        } else if (cc == CompletionCodes.INSUFFICIENT_PRIVILEGE) {
          kind = PowerException.Kind.AUTHENTICATION;
          hint =
              "; the session runs at privilege "
                  + settings.privilege().settingName()
                  + ": raise the privilege setting (chassis control needs operator) or the"
                  + " user's limit on the BMC";
        } else {
          kind = PowerException.Kind.PROTOCOL;
          hint = "";
        }
        break;
      default:
        kind = PowerException.Kind.PROTOCOL;
        hint = "; the BMC does not follow IPMI v2.0 as expected";
    }
    return new PowerException(
        kind, node, settings.endpoint(), what + " failed: " + e.getMessage() + hint, e);
  }

  /** Ends the session with Close Session. Never throws; safe to call twice. */
  @Override
  public synchronized void close() {
    closed = true;
    if (session != null) {
      session.close();
      session = null;
    }
  }

  @Override
  public String toString() {
    return "IpmiPowerDriver[node=" + node + ", bmc=" + settings.endpoint() + "]";
  }
}
