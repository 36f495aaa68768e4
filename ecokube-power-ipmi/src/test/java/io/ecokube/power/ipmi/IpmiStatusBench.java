package io.ecokube.power.ipmi;

import io.ecokube.api.power.PowerState;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Benchmark, not a test: the power-status round trip of the ipmi driver against one {@code
 * ipmitool} call, side by side against the same ipmi_sim on loopback. Prints a Markdown table per
 * round and the median speed-ups over all rounds.
 *
 * <pre>
 * ./mvnw -B -q -o -Dquick -Pipmi-bench -pl ecokube-power-ipmi -am process-test-classes
 * </pre>
 *
 * <p>(add {@code -Dipmi.bench.args="ITERATIONS ROUNDS"} to change the defaults, 2000 and 5).
 *
 * <p>Rows: the driver with a reused session (what the engine does), the driver opening and closing
 * a session per call (cipher suite 3, like {@code ipmitool -C 3}), and one ipmitool process per
 * call. The driver rows run with {@code minCommandInterval=0}: pacing is a deliberate delay between
 * commands, not part of a round trip, and a default-paced engine issues status reads far less often
 * than every 50 ms.
 *
 * <p>The three rows of a round run one after the other against the same simulator, so their ratio
 * is fair even when other work shares the machine; the absolute times and the ratio move with the
 * machine's load (an ipmitool process starts several times slower on a busy machine), which is why
 * each round prints the load average and the summary takes the median over rounds.
 */
public final class IpmiStatusBench {
  private IpmiStatusBench() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: iterations of the reused-session row (default 2000), rounds (default 5)
   */
  public static void main(String[] args) throws Exception {
    // The tests log the driver at DEBUG; a benchmark that prints a line per session measures the
    // console too, and buries its table. Set before the first logger exists, so it wins.
    System.setProperty("org.slf4j.simpleLogger.log.io.ecokube", "warn");
    int reusedIterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int processIterations = Math.max(20, reusedIterations / 20);
    List<Double> reusedSpeedUps = new ArrayList<>();
    List<Double> freshSpeedUps = new ArrayList<>();
    try (IpmiSim sim = IpmiSim.start()) {
      try (IpmiPowerDriver driver =
          Drivers.create("bench", sim, Map.of("minCommandInterval", "0"))) {
        Callable<Object> reusedSession = () -> expectOff(driver.readState());
        Callable<Object> newSession =
            () -> {
              try (IpmiPowerDriver d =
                  Drivers.create(
                      "bench", sim, Map.of("minCommandInterval", "0", "cipherSuites", "3"))) {
                return expectOff(d.readState());
              }
            };
        Callable<Object> ipmitool =
            () -> {
              if (sim.ipmitoolSaysOn()) {
                throw new IllegalStateException("the simulated machine should be off");
              }
              return null;
            };
        // Both driver rows get the same warm-up, so neither is measured before the JIT is done.
        run(200, reusedSession);
        run(200, newSession);
        run(5, ipmitool);
        for (int round = 1; round <= rounds; round++) {
          double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
          double[] reused = run(reusedIterations, reusedSession);
          double[] fresh = run(processIterations, newSession);
          double[] tool = run(processIterations, ipmitool);
          double base = median(tool);
          reusedSpeedUps.add(base / median(reused));
          freshSpeedUps.add(base / median(fresh));
          System.out.println();
          System.out.printf(
              Locale.ROOT,
              "Round %d of %d, load average %.1f at its start:%n",
              round,
              rounds,
              load);
          System.out.println();
          System.out.println(
              "| power-status round trip vs ipmi_sim (127.0.0.1) | n | mean ms | p50 ms | p90 ms"
                  + " | p99 ms | speed-up vs ipmitool (p50) |");
          System.out.println("|---|---:|---:|---:|---:|---:|---:|");
          row("ipmi driver, reused RMCP+ session (suite 3 after 17 refused)", reused, base);
          row("ipmi driver, new session per call (open, status, close; suite 3)", fresh, base);
          row("`ipmitool -I lanplus -C 3 chassis power status` (one process)", tool, base);
        }
      }
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Median speed-up vs ipmitool over %d rounds: reused session %.1fx (%s),"
            + " session per call %.1fx (%s)%n",
        rounds,
        median(sorted(reusedSpeedUps)),
        range(reusedSpeedUps),
        median(sorted(freshSpeedUps)),
        range(freshSpeedUps));
    System.out.printf(
        Locale.ROOT,
        "%s, %d cores, Java %s%n",
        System.getProperty("os.name"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
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

  private static double[] sorted(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
  }

  private static String range(List<Double> values) {
    double[] s = sorted(values);
    return String.format(Locale.ROOT, "%.1f-%.1fx", s[0], s[s.length - 1]);
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
