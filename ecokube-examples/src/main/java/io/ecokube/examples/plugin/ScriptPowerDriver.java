package io.ecokube.examples.plugin;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Powers one node by running commands; built by {@link ScriptPowerDriverProvider}. */
final class ScriptPowerDriver implements PowerDriver {
  private final String node;
  private final Optional<String> on;
  private final Optional<String> off;
  private final Optional<String> forceOff;
  private final Optional<String> status;
  private final Duration timeout;
  private final Map<String, Secret> env;

  ScriptPowerDriver(
      String node,
      Optional<String> on,
      Optional<String> off,
      Optional<String> forceOff,
      Optional<String> status,
      Duration timeout,
      Map<String, Secret> env) {
    this.node = node;
    this.on = on;
    this.off = off;
    this.forceOff = forceOff;
    this.status = status;
    this.timeout = timeout;
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "script";
  }

  @Override
  public Set<PowerCapability> capabilities() {
    Set<PowerCapability> c = EnumSet.noneOf(PowerCapability.class);
    on.ifPresent(x -> c.add(PowerCapability.POWER_ON));
    off.ifPresent(x -> c.add(PowerCapability.POWER_OFF_GRACEFUL));
    forceOff.ifPresent(x -> c.add(PowerCapability.POWER_OFF_FORCED));
    status.ifPresent(x -> c.add(PowerCapability.READ_STATE));
    return c;
  }

  @Override
  public void powerOn() throws PowerException {
    run("on", on);
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    if (mode == PowerOffMode.GRACEFUL) {
      run("off", off);
    } else {
      run("force-off", forceOff);
    }
  }

  @Override
  public PowerState readState() throws PowerException {
    String out = run("status", status).trim().toLowerCase(Locale.ROOT);
    return switch (out) {
      case "on" -> PowerState.ON;
      case "off" -> PowerState.OFF;
      default ->
          throw new PowerException(
              PowerException.Kind.PROTOCOL,
              node,
              "status command",
              "printed '" + shorten(out) + "'; it must print exactly 'on' or 'off'");
    };
  }

  private String run(String what, Optional<String> command) throws PowerException {
    if (command.isEmpty()) {
      throw new PowerException(
          PowerException.Kind.UNSUPPORTED,
          node,
          "script driver",
          "no '" + what + "' command is configured");
    }
    String endpoint = what + " command";
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command.get());
    pb.environment().put("ECOKUBE_NODE", node);
    env.forEach((k, v) -> pb.environment().put(k, v.revealAsString()));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new PowerException(
          PowerException.Kind.CONFIGURATION,
          node,
          endpoint,
          "cannot start /bin/sh: " + e.getMessage(),
          e);
    }
    // Both streams are drained concurrently so a chatty command cannot block on a full pipe.
    CompletableFuture<String> stdout = drain(p.getInputStream());
    CompletableFuture<String> stderr = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new PowerException(
            PowerException.Kind.TIMEOUT,
            node,
            endpoint,
            "did not finish within " + timeout + "; raise 'timeout' or check the command");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new PowerException(PowerException.Kind.TIMEOUT, node, endpoint, "interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new PowerException(
          PowerException.Kind.PROTOCOL,
          node,
          endpoint,
          "exited with status " + p.exitValue() + ": " + shorten(stderr.join().trim()));
    }
    return stdout.join();
  }

  private static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }

  private static String shorten(String s) {
    return s.length() <= 200 ? s : s.substring(0, 197) + "...";
  }

  @Override
  public String toString() {
    return "ScriptPowerDriver["
        + node
        + ", capabilities="
        + capabilities()
        + ", secrets="
        + env.keySet()
        + "]";
  }
}
