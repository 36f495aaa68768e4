package io.ecokube.power.ipmi;

import io.ecokube.api.power.PowerState;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Benchmark, not a test: the power-status round trip of the ipmi driver against one {@code
 * ipmitool} call, side by side against the same ipmi_sim on loopback. Prints a Markdown table.
 *
 * <pre>
 * mvn -B -q -o -Dquick -pl ecokube-power-ipmi test-compile exec:java \
 *   -Dexec.mainClass=io.ecokube.power.ipmi.IpmiStatusBench -Dexec.classpathScope=test
 * </pre>
 *
 * <p>Rows: the driver with a reused session (what the engine does), the driver opening and closing
 * a session per call (cipher suite 3, like {@code ipmitool -C 3}), and one ipmitool process per
 * call. The driver rows run with {@code minCommandInterval=0}: pacing is a deliberate delay between
 * commands, not part of a round trip, and a default-paced engine issues status reads far less often
 * than every 50 ms.
 */
public final class IpmiStatusBench {
  private IpmiStatusBench() {}

  /** Runs the benchmark; optional argument: iterations of the reused-session row (default 2000). */
  public static void main(String[] args) throws Exception {
    int reusedIterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int processIterations = Math.max(20, reusedIterations / 20);
    try (IpmiSim sim = IpmiSim.start()) {
      double[] reused;
      double[] fresh;
      try (IpmiPowerDriver driver =
          Drivers.create("bench", sim, Map.of("minCommandInterval", "0"))) {
        run(200, () -> expectOff(driver.readState()));
        reused = run(reusedIterations, () -> expectOff(driver.readState()));
      }
      Callable<Object> newSession =
          () -> {
            try (IpmiPowerDriver d =
                Drivers.create(
                    "bench", sim, Map.of("minCommandInterval", "0", "cipherSuites", "3"))) {
              return expectOff(d.readState());
            }
          };
      run(20, newSession);
      fresh = run(processIterations, newSession);
      Callable<Object> ipmitool =
          () -> {
            if (sim.ipmitoolSaysOn()) {
              throw new IllegalStateException("the simulated machine should be off");
            }
            return null;
          };
      run(5, ipmitool);
      double[] tool = run(processIterations, ipmitool);

      double base = median(tool);
      System.out.println();
      System.out.println(
          "| power-status round trip vs ipmi_sim (127.0.0.1) | n | mean ms | p50 ms | p90 ms"
              + " | p99 ms | speed-up vs ipmitool (p50) |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|");
      row("ipmi driver, reused RMCP+ session (suite 3 after 17 refused)", reused, base);
      row("ipmi driver, new session per call (open, status, close; suite 3)", fresh, base);
      row("`ipmitool -I lanplus -C 3 chassis power status` (one process)", tool, base);
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "%s, %d cores, Java %s%n",
          System.getProperty("os.name"),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
    }
  }

  private static Object expectOff(PowerState s) {
    if (s != PowerState.OFF) {
      throw new IllegalStateException("the simulated machine should be off, was " + s);
    }
    return s;
  }

  private static double[] run(int n, Callable<Object> op) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.call();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }

  private static double median(double[] sorted) {
    return percentile(sorted, 50);
  }

  private static double percentile(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static void row(String name, double[] ms, double baseMedian) {
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.1fx |%n",
        name,
        ms.length,
        Arrays.stream(ms).average().orElse(0),
        percentile(ms, 50),
        percentile(ms, 90),
        percentile(ms, 99),
        baseMedian / percentile(ms, 50));
  }
}
