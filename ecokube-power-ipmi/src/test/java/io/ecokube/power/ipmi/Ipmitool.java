package io.ecokube.power.ipmi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ipmitool} as a second, independent IPMI client. */
final class Ipmitool {
  private Ipmitool() {}

  /**
   * What one run printed.
   *
   * @param exitCode the process's exit code
   * @param output stdout and stderr together
   */
  record Result(int exitCode, String output) {}

  /** Runs ipmitool with the password in IPMI_PASSWORD (used with -E), so it is not in argv. */
  static Result run(String password, List<String> args) {
    Binaries.require("ipmitool", "ipmitool");
    List<String> cmd = new ArrayList<>();
    cmd.add(Binaries.path("ipmitool").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("IPMI_PASSWORD", password);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("ipmitool " + args + " did not finish in 30 s");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
