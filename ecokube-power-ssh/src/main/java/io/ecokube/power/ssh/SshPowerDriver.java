package io.ecokube.power.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers one node off by running a shutdown command over SSH (JSch), and reads its power state from
 * whether its SSH port answers.
 *
 * <p><b>Power-off.</b> The driver connects (host key checked against known_hosts unless explicitly
 * disabled), runs the configured command without a terminal and waits up to {@code
 * command-timeout}. Exit status 0 is success. So is the command ending without an exit status (the
 * connection dropped or the command was killed after it started), because that is what a machine
 * going down looks like. A non-zero exit status is a failure whose message carries the start of
 * stderr; sudo asking for a password is recognised and reported as a configuration problem.
 *
 * <p><b>Power state</b>, best effort: a TCP connect to the SSH port that succeeds within {@code
 * probe-timeout} means {@link PowerState#ON} (or {@link PowerState#SHUTTING_DOWN} within {@code
 * shutdown-grace} after this driver powered the node off). Failed probes count up: from {@code
 * off-after-failed-probes} consecutive failures on the state is {@link PowerState#OFF}; before that
 * it is {@link PowerState#SHUTTING_DOWN} after a power-off by this driver and {@link
 * PowerState#UNKNOWN} otherwise. A refused connection counts as a failed probe: a booting or
 * stopping machine refuses before sshd listens or after it stopped.
 *
 * <p>Network timeouts are real time (they bound socket I/O); the context clock measures only the
 * shutdown grace, so that logic runs on virtual time in tests.
 */
public final class SshPowerDriver implements PowerDriver {
  private static final Logger LOG = LoggerFactory.getLogger(SshPowerDriver.class);

  private final String node;
  private final SshSettings settings;
  private final Clock clock;
  private final JSch jsch;
  private final RemoteCommand remote;
  private int failedProbes;
  private Instant powerOffRequestedAt;
  private volatile boolean closed;

  SshPowerDriver(String node, SshSettings settings, Clock clock) {
    this(node, settings, clock, Sleeper.system());
  }

  /**
   * @param sleeper waits between checks whether the command has ended
   */
  SshPowerDriver(String node, SshSettings settings, Clock clock, Sleeper sleeper) {
    this.node = node;
    this.settings = settings;
    this.clock = clock;
    this.jsch = new JSch();
    this.remote = new RemoteCommand(node, settings, sleeper);
    jsch.setInstanceLogger(new JschLogAdapter());
    settings.privateKey().ifPresent(p -> SshIdentity.load(jsch, node, settings, p));
    if (!settings.strictHostKeyChecking()) {
      LOG.warn(
          "Node '{}': SSH host key checking is OFF for {} ({}=false): anyone who can intercept"
              + " the connection can impersonate the node. Add its key to a known_hosts file"
              + " (ssh-keyscan -p {} {} >> FILE) and remove this setting.",
          node,
          settings.endpoint(),
          SshSettings.STRICT_HOST_KEY_CHECKING,
          settings.port(),
          settings.host());
    }
  }

  @Override
  public String name() {
    return SshPowerDriverProvider.NAME;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return Set.of(
        PowerCapability.POWER_OFF_GRACEFUL,
        PowerCapability.POWER_OFF_FORCED,
        PowerCapability.READ_STATE);
  }

  @Override
  public void powerOn() throws PowerException {
    throw new PowerException(
        Kind.UNSUPPORTED,
        node,
        settings.endpoint(),
        "SSH cannot power a machine on; configure wol, ipmi or redfish to wake it");
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    requireOpen();
    String command = mode == PowerOffMode.FORCED ? settings.forcedCommand() : settings.command();
    LOG.info(
        "Node '{}': {} power-off over {}: {}",
        node,
        mode.name().toLowerCase(Locale.ROOT),
        settings.endpoint(),
        command);
    Session session = connect();
    try {
      remote.run(session, command);
    } finally {
      session.disconnect();
    }
    markPowerOffRequested();
  }

  synchronized void markPowerOffRequested() {
    powerOffRequestedAt = clock.now();
  }

  private Session connect() throws PowerException {
    Session session;
    try {
      if (settings.strictHostKeyChecking()) {
        // Re-read on every connect, so a key added with ssh-keyscan takes effect without a restart.
        jsch.setKnownHosts(settings.knownHosts().toString());
      }
      session = jsch.getSession(settings.user(), settings.host(), settings.port());
      session.setConfig("StrictHostKeyChecking", settings.strictHostKeyChecking() ? "yes" : "no");
      String methods =
          settings.privateKey().isPresent() && settings.password().isPresent()
              ? "publickey,password"
              : settings.privateKey().isPresent() ? "publickey" : "password";
      session.setConfig("PreferredAuthentications", methods);
      settings.password().ifPresent(p -> session.setPassword(p.reveal()));
    } catch (JSchException e) {
      throw new PowerException(
          Kind.CONFIGURATION,
          node,
          settings.endpoint(),
          "cannot set up the SSH session: " + e.getMessage(),
          e);
    }
    try {
      session.connect(millis(settings.connectTimeout()));
      return session;
    } catch (JSchException e) {
      session.disconnect();
      throw SshFailures.classify(e, node, settings);
    }
  }

  @Override
  public PowerState readState() throws PowerException {
    requireOpen();
    boolean answered;
    try (Socket socket = new Socket()) {
      InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
      if (address.isUnresolved()) {
        throw new PowerException(
            Kind.UNREACHABLE,
            node,
            settings.endpoint(),
            "host '" + settings.host() + "' cannot be resolved; check the name or DNS");
      }
      socket.connect(address, millis(settings.probeTimeout()));
      answered = true;
    } catch (IOException e) {
      answered = false;
    }
    return afterProbe(answered);
  }

  /** The state machine behind {@link #readState()}, separate from the socket for clarity. */
  synchronized PowerState afterProbe(boolean answered) {
    Instant now = clock.now();
    boolean offRecently =
        powerOffRequestedAt != null
            && now.isBefore(powerOffRequestedAt.plus(settings.shutdownGrace()));
    if (answered) {
      failedProbes = 0;
      if (offRecently) {
        return PowerState.SHUTTING_DOWN;
      }
      powerOffRequestedAt = null;
      return PowerState.ON;
    }
    failedProbes++;
    if (failedProbes >= settings.offAfterFailedProbes()) {
      powerOffRequestedAt = null;
      return PowerState.OFF;
    }
    return powerOffRequestedAt != null ? PowerState.SHUTTING_DOWN : PowerState.UNKNOWN;
  }

  /**
   * A closed driver belongs to a config that was replaced; using it would act on stale settings.
   */
  private void requireOpen() throws PowerException {
    if (closed) {
      throw new PowerException(
          Kind.CONFIGURATION,
          node,
          settings.endpoint(),
          "this driver is closed; the engine builds a new one after a reload");
    }
  }

  /** Wipes the loaded private key from memory; later calls fail. */
  @Override
  public void close() {
    closed = true;
    try {
      jsch.removeAllIdentity();
    } catch (JSchException e) {
      LOG.debug("Node '{}': cannot remove SSH identities", node, e);
    }
  }

  @Override
  public String toString() {
    return "SshPowerDriver[node=" + node + ", " + settings + "]";
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
  }
}
