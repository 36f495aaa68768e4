package io.ecokube.power.ipmi;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One OpenIPMI {@code ipmi_sim} BMC on 127.0.0.1 at a free UDP port, in its own temporary
 * directory, with the chassis hook from the test resources; plus {@code ipmitool} pointed at it.
 * Stopped by its process, never by name.
 */
final class IpmiSim implements AutoCloseable {
  static final String USER = "admin";
  static final String PASSWORD = "s3cret";

  private final Path dir;
  private final int port;
  private final Process process;

  private IpmiSim(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts a simulator and waits until its LAN socket is bound. */
  static IpmiSim start() {
    Binaries.require("ipmi_sim", "openipmi");
    try {
      Path dir = Files.createTempDirectory("ecokube-ipmi-sim-");
      int port = freeUdpPort();
      copy("lan.conf", dir, port);
      copy("sim.emu", dir, port);
      copy("chassis.sh", dir, port);
      Files.setPosixFilePermissions(
          dir.resolve("chassis.sh"), PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(dir.resolve("state"));
      Files.writeString(dir.resolve("power"), "0\n");
      Path log = dir.resolve("sim.log");
      // ipmi_sim reads commands from stdin and exits at EOF: the pipe stays open until close().
      Process p =
          new ProcessBuilder(
                  Binaries.path("ipmi_sim").toString(),
                  "-c",
                  dir.resolve("lan.conf").toString(),
                  "-f",
                  dir.resolve("sim.emu").toString(),
                  "-s",
                  dir.resolve("state").toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      IpmiSim sim = new IpmiSim(dir, port, p);
      // The LAN socket is bound while lan.conf is read, before the .emu file runs.
      await("ipmi_sim on port " + port + " ready")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !p.isAlive() || sim.simLog().contains("mc_enable"));
      if (!p.isAlive()) {
        throw new IllegalStateException("ipmi_sim exited at start:\n" + sim.simLog());
      }
      return sim;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(String resource, Path dir, int port) throws IOException {
    try (InputStream in = IpmiSim.class.getResourceAsStream("/ipmi_sim/" + resource)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      text = text.replace("@PORT@", Integer.toString(port)).replace("@DIR@", dir.toString());
      Files.writeString(dir.resolve(resource), text);
    }
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  Path dir() {
    return dir;
  }

  /** The machine's power as the chassis hook holds it. */
  boolean poweredOn() {
    try {
      return Files.readString(dir.resolve("power")).trim().equals("1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resets the machine to off, forgetting the hook's log and quirks. */
  void reset() {
    try {
      Files.writeString(dir.resolve("power"), "0\n");
      Files.deleteIfExists(dir.resolve("ignore-power-on"));
      Files.deleteIfExists(dir.resolve("chassis.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** From now on the machine ignores power-on requests. */
  void ignorePowerOn() {
    try {
      Files.writeString(dir.resolve("ignore-power-on"), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hook's calls so far, e.g. {@code set power 1}, {@code get power}. */
  List<String> chassisLog() {
    Path f = dir.resolve("chassis.log");
    try {
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The hook's "set" calls so far, in order. */
  List<String> chassisRequests() {
    return chassisLog().stream().filter(l -> l.startsWith("set ")).toList();
  }

  /** What ipmi_sim printed. */
  String simLog() {
    try {
      return Files.readString(dir.resolve("sim.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many times ipmi_sim logged the given text. */
  int simLogCount(String text) {
    String log = simLog();
    int n = 0;
    for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }

  /** Runs {@code ipmitool -I lanplus -C 3} as admin against this simulator. */
  Ipmitool.Result ipmitool(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "-I",
                "lanplus",
                "-C",
                "3",
                "-H",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                USER,
                "-E"));
    cmd.addAll(List.of(args));
    return Ipmitool.run(PASSWORD, cmd);
  }

  /** Runs {@code ipmitool -I lan -A MD5} (IPMI 1.5) as admin against this simulator. */
  Ipmitool.Result ipmitoolLan(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "-I",
                "lan",
                "-A",
                "MD5",
                "-H",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                USER,
                "-E"));
    cmd.addAll(List.of(args));
    return Ipmitool.run(PASSWORD, cmd);
  }

  /** The power state as ipmitool reads it: true for on. */
  boolean ipmitoolSaysOn() {
    Ipmitool.Result r = ipmitool("chassis", "power", "status");
    if (r.exitCode() != 0) {
      throw new IllegalStateException("ipmitool failed: " + r);
    }
    if (r.output().contains("Chassis Power is on")) {
      return true;
    }
    if (r.output().contains("Chassis Power is off")) {
      return false;
    }
    throw new IllegalStateException("unexpected ipmitool output: " + r);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // A leftover temp directory does no harm.
    }
  }
}
