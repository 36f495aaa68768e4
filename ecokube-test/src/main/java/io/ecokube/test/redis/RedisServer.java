package io.ecokube.test.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Debian {@code redis-server} on a free loopback port, configured on its command line only:
 * no config file, its data (append-only file, fsync on every write, so a killed server loses
 * nothing it acknowledged) and log in a temp directory. Can be killed and started again on the same
 * port and data.
 */
public final class RedisServer implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final List<String> extraArgs;
  private final boolean tls;
  private Process process;
  private int starts;

  private RedisServer(Path dir, int port, List<String> extraArgs, boolean tls) {
    this.dir = dir;
    this.port = port;
    this.extraArgs = List.copyOf(extraArgs);
    this.tls = tls;
  }

  /** Starts a plain server. */
  public static RedisServer start(Path dir) {
    return start(dir, List.of());
  }

  /** Starts a server with extra {@code --name value...} arguments. */
  public static RedisServer start(Path dir, List<String> extraArgs) {
    RedisServer s = new RedisServer(dir, freePort(), extraArgs, false);
    s.launch();
    return s;
  }

  /** Starts a server that speaks only TLS, with the given PEM certificate and key. */
  public static RedisServer startTls(Path dir, Path cert, Path key, Path ca) {
    RedisServer s =
        new RedisServer(
            dir,
            freePort(),
            List.of(
                "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", ca.toString(),
                "--tls-auth-clients", "no"),
            true);
    s.launch();
    return s;
  }

  /** The redis-server binary, or a failure that says how to install it. */
  public static String binary() {
    for (String p : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    throw new IllegalStateException(
        "redis-server not found; install the Debian package redis-server"
            + " (scripts/test.sh does so when it is missing)");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port it listens on. */
  public int port() {
    return port;
  }

  private Path log() {
    return dir.resolve("redis-" + starts + ".log");
  }

  private synchronized void launch() {
    starts++;
    List<String> cmd = new ArrayList<>();
    cmd.add(binary());
    cmd.addAll(
        List.of(
            "--bind", "127.0.0.1",
            "--port", tls ? "0" : Integer.toString(port),
            "--dir", dir.toString(),
            "--logfile", log().toString(),
            "--daemonize", "no",
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "always"));
    if (tls) {
      cmd.addAll(List.of("--tls-port", Integer.toString(port)));
    }
    cmd.addAll(extraArgs);
    try {
      process =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis-" + starts + ".out").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd.get(0), e);
    }
    Process p = process;
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    "redis-server exited with "
                        + p.exitValue()
                        + ": "
                        + read(log())
                        + read(dir.resolve("redis-" + starts + ".out")));
              }
              return read(log()).contains("Ready to accept connections");
            });
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Runs Debian's {@code redis-cli} (package redis-tools) against this server, as a user would, and
   * returns what it printed; fails the test when it exits with an error.
   */
  public String cli(String... args) {
    List<String> cmd =
        new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run redis-cli (install redis-tools)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running redis-cli", e);
    }
  }

  /** Kills the server (SIGKILL): what it had not written to its append-only file is gone. */
  public synchronized void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts it again on the same port and data. */
  public void restart() {
    launch();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
