package io.ecokube.power.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import com.jcraft.jsch.KeyPair;
import com.jcraft.jsch.Session;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.time.Clock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
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
  private static final Pattern SUDO_WANTS_PASSWORD =
      Pattern.compile(
          "(?i)(sudo:.*(password is required|terminal is required|no tty present|askpass))"
              + "|(\\[sudo\\] password for)");
  private static final int CAPTURE_LIMIT = 4096;
  private static final long POLL_MILLIS = 20;

  private final String node;
  private final SshSettings settings;
  private final Clock clock;
  private final JSch jsch;
  private int failedProbes;
  private Instant powerOffRequestedAt;
  private volatile boolean closed;

  SshPowerDriver(String node, SshSettings settings, Clock clock) {
    this.node = node;
    this.settings = settings;
    this.clock = clock;
    this.jsch = new JSch();
    jsch.setInstanceLogger(new JschLogAdapter());
    settings.privateKey().ifPresent(this::loadIdentity);
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

  /**
   * Loads and, if needed, decrypts the key now, so a bad key or passphrase fails at config load.
   */
  private void loadIdentity(Path path) {
    byte[] key;
    try {
      key = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new DriverSettingsException(
          node,
          SshSettings.PRIVATE_KEY,
          "cannot read "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "); check that it exists and that this process may read it");
    }
    byte[] passphrase = settings.privateKeyPassphrase().map(Secret::reveal).orElse(null);
    try {
      KeyPair pair;
      try {
        pair = KeyPair.load(jsch, key, null);
      } catch (JSchException e) {
        throw new DriverSettingsException(
            node,
            SshSettings.PRIVATE_KEY,
            path
                + " is not a private key JSch can read ("
                + e.getMessage()
                + "); use an OpenSSH ed25519, ECDSA or RSA key");
      }
      try {
        if (pair.isEncrypted()) {
          if (passphrase == null) {
            throw new DriverSettingsException(
                node,
                SshSettings.PRIVATE_KEY_PASSPHRASE,
                "the key " + path + " is encrypted; set this to a file: or env: reference");
          }
          if (!pair.decrypt(passphrase.clone())) {
            throw new DriverSettingsException(
                node,
                SshSettings.PRIVATE_KEY_PASSPHRASE,
                "the passphrase from "
                    + settings.privateKeyPassphrase().get().source()
                    + " does not decrypt "
                    + path);
          }
        }
      } finally {
        pair.dispose();
      }
      jsch.addIdentity(path.toString(), key, null, passphrase == null ? null : passphrase.clone());
    } catch (JSchException e) {
      throw new DriverSettingsException(
          node, SshSettings.PRIVATE_KEY, "cannot use " + path + ": " + e.getMessage());
    } finally {
      Arrays.fill(key, (byte) 0);
      if (passphrase != null) {
        Arrays.fill(passphrase, (byte) 0);
      }
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
      run(session, command);
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
      throw classify(e);
    }
  }

  private void run(Session session, String command) throws PowerException {
    BoundedCapture stderr = new BoundedCapture();
    ChannelExec channel;
    try {
      channel = (ChannelExec) session.openChannel("exec");
      channel.setCommand(command);
      // An empty stdin that JSch closes at once: a command that reads stdin fails instead of
      // hanging.
      channel.setInputStream(new ByteArrayInputStream(new byte[0]));
      channel.setOutputStream(new BoundedCapture());
      channel.setErrStream(stderr);
      channel.connect(millis(settings.connectTimeout()));
    } catch (JSchException e) {
      throw new PowerException(
          session.isConnected() ? Kind.PROTOCOL : Kind.UNREACHABLE,
          node,
          settings.endpoint(),
          "could not start the command '"
              + command
              + "': "
              + e.getMessage()
              + "; check that the account may run commands (no ForceCommand or nologin shell in"
              + " the way)",
          e);
    }
    try {
      long deadline = System.nanoTime() + settings.commandTimeout().toNanos();
      while (!channel.isClosed() && session.isConnected()) {
        if (System.nanoTime() - deadline >= 0) {
          throw new PowerException(
              Kind.TIMEOUT,
              node,
              settings.endpoint(),
              "the command '"
                  + command
                  + "' did not finish within "
                  + settings.commandTimeout().toMillis()
                  + "ms; a power-off command should return at once or drop the connection. Try it"
                  + " by hand: ssh -p "
                  + settings.port()
                  + " "
                  + settings.user()
                  + "@"
                  + settings.host()
                  + " '"
                  + command
                  + "'");
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerException(
          Kind.TIMEOUT, node, settings.endpoint(), "interrupted while waiting for the command", e);
    } finally {
      channel.disconnect();
    }
    int status = channel.getExitStatus();
    String err = stderr.text();
    if (status == 0) {
      LOG.info("Node '{}': power-off command accepted (exit status 0)", node);
      return;
    }
    if (status == -1) {
      LOG.info(
          "Node '{}': the connection closed before the command reported an exit status;"
              + " taking that as the machine going down",
          node);
      return;
    }
    if (SUDO_WANTS_PASSWORD.matcher(err).find()) {
      throw new PowerException(
          Kind.CONFIGURATION,
          node,
          settings.endpoint(),
          "sudo asked for a password (the command runs without a terminal, so it cannot be"
              + " typed). Allow it without one, e.g. with a sudoers line: "
              + settings.user()
              + " ALL=(root) NOPASSWD: /usr/bin/systemctl poweroff, /usr/bin/systemctl poweroff"
              + " --force --force. sudo said: "
              + firstLines(err));
    }
    throw new PowerException(
        Kind.PROTOCOL,
        node,
        settings.endpoint(),
        "the command '"
            + command
            + "' failed with exit status "
            + status
            + (err.isBlank() ? "" : "; stderr: " + firstLines(err))
            + "; run it by hand on the node to see why");
  }

  private PowerException classify(JSchException e) {
    String msg = String.valueOf(e.getMessage());
    String endpoint = settings.endpoint();
    String keyscan =
        "ssh-keyscan -p "
            + settings.port()
            + " "
            + settings.host()
            + " >> "
            + settings.knownHosts();
    if (e instanceof JSchUnknownHostKeyException
        || msg.startsWith("UnknownHostKey")
        || msg.startsWith("reject HostKey")) {
      return new PowerException(
          Kind.CONFIGURATION,
          node,
          endpoint,
          "the host key of "
              + settings.knownHostsName()
              + " is not in "
              + settings.knownHosts()
              + (Files.exists(settings.knownHosts()) ? "" : " (the file does not exist)")
              + " ("
              + msg
              + "). Check the fingerprint on the node's console (ssh-keygen -lf"
              + " /etc/ssh/ssh_host_ed25519_key.pub), then add the key: "
              + keyscan,
          e);
    }
    if (e instanceof JSchChangedHostKeyException || msg.startsWith("HostKey has been changed")) {
      return new PowerException(
          Kind.AUTHENTICATION,
          node,
          endpoint,
          "the host key of "
              + settings.knownHostsName()
              + " does NOT match the one in "
              + settings.knownHosts()
              + ": the node was reinstalled or someone is intercepting the connection. If the"
              + " change is expected, replace the entry: ssh-keygen -R '"
              + settings.knownHostsName()
              + "' -f "
              + settings.knownHosts()
              + " && "
              + keyscan,
          e);
    }
    if (msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) {
      String how =
          settings.privateKey().isPresent()
              ? "that the public key of "
                  + settings.privateKey().get()
                  + " is in ~"
                  + settings.user()
                  + "/.ssh/authorized_keys on the node"
              : "the password in " + settings.password().map(Secret::source).orElse("?");
      return new PowerException(
          Kind.AUTHENTICATION,
          node,
          endpoint,
          "user '" + settings.user() + "' was refused (" + msg + "); check " + how,
          e);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return new PowerException(
            Kind.TIMEOUT,
            node,
            endpoint,
            "no SSH handshake within "
                + settings.connectTimeout().toMillis()
                + "ms ("
                + msg
                + "); check that sshd runs on port "
                + settings.port(),
            e);
      }
      if (t instanceof UnknownHostException) {
        return new PowerException(
            Kind.CONFIGURATION,
            node,
            endpoint,
            "host '"
                + settings.host()
                + "' cannot be resolved; check the name or use an IP address",
            e);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new PowerException(
            Kind.UNREACHABLE,
            node,
            endpoint,
            "cannot connect ("
                + t.getMessage()
                + "); check that the node is on and sshd listens"
                + " on port "
                + settings.port(),
            e);
      }
    }
    if (msg.contains("timeout")) {
      return new PowerException(
          Kind.TIMEOUT,
          node,
          endpoint,
          "no SSH session within " + settings.connectTimeout().toMillis() + "ms (" + msg + ")",
          e);
    }
    if (msg.contains("closed by foreign host") || msg.contains("session is down")) {
      return new PowerException(
          Kind.UNREACHABLE, node, endpoint, "the connection was closed (" + msg + ")", e);
    }
    return new PowerException(Kind.PROTOCOL, node, endpoint, "SSH connection failed: " + msg, e);
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

  private static String firstLines(String text) {
    String t = text.strip().replaceAll("\\s*\\R\\s*", " | ");
    return t.length() <= 300 ? t : t.substring(0, 300) + "...";
  }

  /** Keeps the first few KiB of a stream: enough for an error message, bounded against floods. */
  private static final class BoundedCapture extends OutputStream {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (buffer.size() < CAPTURE_LIMIT) {
        buffer.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = CAPTURE_LIMIT - buffer.size();
      if (room > 0) {
        buffer.write(b, off, Math.min(room, len));
      }
    }

    synchronized String text() {
      return buffer.toString(StandardCharsets.UTF_8);
    }
  }
}
