package io.ecokube.sim;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.node.PowerProfile;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.policy.EnginePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * How long one simulated day of a 20-node cluster takes in real time. Not a test: run it with
 *
 * <pre>
 * mvn -q -pl ecokube-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.ecokube.sim.SimulatorBench
 * </pre>
 *
 * It prints one table row per run (one warm-up, then three measured runs).
 */
public final class SimulatorBench {
  private static final PowerProfile PROFILE =
      new PowerProfile(8, 140, 380, 220, Duration.ofSeconds(180), Duration.ofSeconds(60));

  private SimulatorBench() {}

  /** Runs the benchmark. */
  public static void main(String[] args) {
    System.out.println(
        "| run | real time | simulated | nodes | jobs done | reconciles | wait p50 / p95 / p99 |"
            + " power cycles | energy kWh | always-on kWh | saved |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (int run = 0; run < 4; run++) {
      long t0 = System.nanoTime();
      SimulationReport r;
      try (Simulator sim = day(run)) {
        r = sim.run(Duration.ofDays(1));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      int cycles = r.powerCycles().values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f s | 24 h | 20 | %d/%d | %d | %ds / %ds / %ds | %d | %.2f | %.2f | %.1f %% |%n",
          run == 0 ? "warm-up" : Integer.toString(run),
          seconds,
          r.jobsCompleted(),
          r.jobsSubmitted(),
          Duration.ofDays(1).dividedBy(Duration.ofSeconds(10)),
          r.waitPercentile(50).toSeconds(),
          r.waitPercentile(95).toSeconds(),
          r.waitPercentile(99).toSeconds(),
          cycles,
          r.energy().actual().kwh(),
          r.energy().alwaysOn().kwh(),
          r.energy().savedFraction() * 100);
    }
  }

  /** Two always-on nodes, eighteen managed ones, and a working day of batch jobs. */
  static Simulator day(long seed) {
    ManualClock clock = new ManualClock();
    Simulator.Builder b =
        Simulator.builder(clock)
            .policy(EnginePolicy.builder().minUptime(Duration.ofMinutes(15)).build())
            .reconcileInterval(Duration.ofSeconds(10));
    for (int i = 0; i < 20; i++) {
      NodeSpec.Builder n =
          NodeSpec.builder(String.format(Locale.ROOT, "node-%02d", i))
              .allocatable(new Resources(16_000, 64L << 30, 0, 110))
              .power(PROFILE);
      if (i < 2) {
        b.node(n.protectedNode(true).build(), true);
      } else {
        b.node(
            n.address(new PowerAddress(List.of(new DriverSpec("sim", Map.of())))).build(), false);
      }
    }
    Random random = new Random(seed);
    Instant start = clock.now();
    List<Job> jobs = new ArrayList<>();
    for (int minute = 0; minute < 24 * 60; minute++) {
      double hour = minute / 60.0;
      // Quiet nights, a busy working day: 0.5 to 4 jobs a minute.
      double rate = 0.5 + 3.5 * Math.max(0, Math.sin(Math.PI * (hour - 7) / 12));
      int count = poisson(random, rate);
      for (int k = 0; k < count; k++) {
        jobs.add(
            Job.batch(
                "j" + jobs.size(),
                start.plusSeconds(minute * 60L + random.nextInt(60)),
                Duration.ofMinutes(5 + random.nextInt(36)),
                SchedulingRequirements.of(
                    Resources.request(1000L * (1 + random.nextInt(4)), 2L << 30, 0))));
      }
    }
    return b.jobs(jobs).build();
  }

  private static int poisson(Random random, double lambda) {
    double l = Math.exp(-lambda);
    double p = 1;
    int k = 0;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > l);
    return k - 1;
  }
}
