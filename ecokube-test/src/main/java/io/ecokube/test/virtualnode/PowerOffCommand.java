package io.ecokube.test.virtualnode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * What an SSH exec request on a {@link VirtualNode} runs: its graceful or forced power-off command,
 * which starts the node's shutdown, or "command not found" for anything else.
 */
final class PowerOffCommand implements Command {
  private final String command;
  private final String graceful;
  private final String forced;
  private final BooleanSupplier fails;
  private final Consumer<Boolean> powerOff;
  private OutputStream err;
  private ExitCallback exit;

  /**
   * @param fails whether the node is set to refuse power-offs now
   * @param powerOff starts the shutdown; receives whether it was the forced command
   */
  PowerOffCommand(
      String command,
      String graceful,
      String forced,
      BooleanSupplier fails,
      Consumer<Boolean> powerOff) {
    this.command = command.strip();
    this.graceful = graceful;
    this.forced = forced;
    this.fails = fails;
    this.powerOff = powerOff;
  }

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {}

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    boolean isForced = command.equals(forced);
    if (!isForced && !command.equals(graceful)) {
      err.write(("sh: 1: " + command + ": not found\n").getBytes(StandardCharsets.UTF_8));
      err.flush();
      exit.onExit(127);
      return;
    }
    if (fails.getAsBoolean()) {
      err.write("Failed to power off system: Access denied\n".getBytes(StandardCharsets.UTF_8));
      err.flush();
      exit.onExit(1);
      return;
    }
    // Report success first, as systemctl does, then go down.
    exit.onExit(0);
    powerOff.accept(isForced);
  }

  @Override
  public void destroy(ChannelSession channel) {}
}
