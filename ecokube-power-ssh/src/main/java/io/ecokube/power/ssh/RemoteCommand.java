package io.ecokube.power.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.time.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the power-off command over an SSH session and judges how it ended; stderr is kept (bounded)
 * for the message, and sudo asking for a password is reported as a configuration problem.
 */
final class RemoteCommand {
  private static final Logger LOG = LoggerFactory.getLogger(SshPowerDriver.class);
  private static final Pattern SUDO_WANTS_PASSWORD =
      Pattern.compile(
          "(?i)(sudo:.*(password is required|terminal is required|no tty present|askpass))"
              + "|(\\[sudo\\] password for)");
  private static final int CAPTURE_LIMIT = 4096;
  // How often the channel is checked for the command's end: I/O polling, in real time.
  private static final Duration POLL = Duration.ofMillis(20);

  private final String node;
  private final SshSettings settings;
  private final Sleeper sleeper;

  RemoteCommand(String node, SshSettings settings, Sleeper sleeper) {
    this.node = node;
    this.settings = settings;
    this.sleeper = sleeper;
  }

  /**
   * Runs the command without a terminal and waits up to {@code command-timeout}: exit status 0, or
   * no exit status (the connection dropped as the machine went down), is success.
   */
  void run(Session session, String command) throws PowerException {
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
        sleeper.sleep(POLL);
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
