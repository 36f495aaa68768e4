package io.ecokube.power.ssh;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenSSH server started as a plain process on 127.0.0.1 and a free high port, with its
 * own config, host key and authorized_keys in a temporary directory. Needs the {@code
 * openssh-server} package ({@code apt-get install -y openssh-server}).
 */
final class OpenSshServer implements AutoCloseable {
  static final Path SSHD = Path.of("/usr/sbin/sshd");

  private final Path dir;
  private final int port;
  private final Process process;
  private final Path log;

  private OpenSshServer(Path dir, int port, Process process, Path log) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts sshd with a fresh ed25519 host key and the given authorized public keys. */
  static OpenSshServer start(Path dir, List<Path> authorizedPublicKeys) throws Exception {
    requireSshd();
    Path hostKey = dir.resolve("host_ed25519");
    if (!Files.exists(hostKey)) {
      keygen(hostKey, "ed25519", "");
    }
    return start(dir, hostKey, authorizedPublicKeys);
  }

  /** Starts sshd with the given host key (to test a changed key: start again with another). */
  static OpenSshServer start(Path dir, Path hostKey, List<Path> authorizedPublicKeys)
      throws Exception {
    requireSshd();
    Path privsep = Path.of("/run/sshd");
    if (!Files.isDirectory(privsep)) {
      // sshd refuses to start without its privilege separation directory; systemd usually makes it.
      Files.createDirectories(privsep);
    }
    StringBuilder keys = new StringBuilder();
    for (Path p : authorizedPublicKeys) {
      keys.append(Files.readString(p).strip()).append('\n');
    }
    Path authorized = dir.resolve("authorized_keys");
    Files.writeString(authorized, keys);
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path config = dir.resolve("sshd_config");
    Files.writeString(
        config,
        String.join(
            "\n",
            "ListenAddress 127.0.0.1",
            "Port " + port,
            "HostKey " + hostKey,
            "PidFile " + dir.resolve("sshd.pid"),
            "AuthorizedKeysFile " + authorized,
            "StrictModes no",
            "UsePAM no",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitRootLogin prohibit-password",
            "AllowTcpForwarding no",
            "X11Forwarding no",
            "PrintMotd no",
            "LogLevel INFO",
            ""));
    Path log = dir.resolve("sshd-" + port + ".log");
    Process process =
        new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString(), "-p", "" + port)
            .redirectErrorStream(true)
            .start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  Files.writeString(
                      log,
                      line + "\n",
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                  if (line.contains("Server listening on")) {
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                // The process ended; the log already holds what it said.
              }
            },
            "sshd-log-" + port);
    reader.setDaemon(true);
    reader.start();
    if (!listening.await(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(
          "sshd did not start listening; its log:\n"
              + (Files.exists(log) ? Files.readString(log) : "(empty)"));
    }
    return new OpenSshServer(dir, port, process, log);
  }

  private static void requireSshd() {
    if (!Files.isExecutable(SSHD)) {
      fail(
          SSHD
              + " is missing: install Debian's openssh-server package (apt-get install -y"
              + " openssh-server)");
    }
  }

  /** Generates a key pair with ssh-keygen; returns the private key's path. */
  static Path keygen(Path privateKey, String type, String passphrase) throws Exception {
    Process p =
        new ProcessBuilder(
                "ssh-keygen",
                "-q",
                "-t",
                type,
                "-N",
                passphrase,
                "-C",
                "ecokube-test",
                "-f",
                privateKey.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      fail("ssh-keygen failed: " + out);
    }
    return privateKey;
  }

  int port() {
    return port;
  }

  /** A known_hosts line for this server's host key. */
  String knownHostsLine(Path hostKey) throws IOException {
    String[] pub = Files.readString(Path.of(hostKey + ".pub")).strip().split("\\s+");
    return "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
  }

  /** The log so far, for assertion messages. */
  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
