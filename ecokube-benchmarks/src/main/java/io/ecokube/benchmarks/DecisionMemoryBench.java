package io.ecokube.benchmarks;

import com.sun.management.ThreadMXBean;
import io.ecokube.api.plan.Plan;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.decision.NodeUsageMemo;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Shows that memory grows linearly with the cluster, and what one step costs in CPU time (which,
 * unlike wall time, does not count the time a busy machine keeps the thread waiting for a core).
 * For 1k, 5k and 10k nodes (30 running pods per node, 2,000 pending) it prints the heap retained by
 * the snapshot and decision input, the heap allocated by one step, and the median wall and CPU time
 * of a step from scratch and of a step with a {@link NodeUsageMemo} while the pods of 1 % of the
 * nodes change. Run: {@code java -Xmx4g -cp ecokube-benchmarks/target/benchmarks.jar
 * io.ecokube.benchmarks.DecisionMemoryBench}.
 */
public final class DecisionMemoryBench {
  private static final int RUNS = 21;

  private DecisionMemoryBench() {}

  /** Runs the measurement and prints a Markdown table. */
  public static void main(String[] args) {
    int[] sizes = {1000, 5000, 10000};
    ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    System.out.printf(
        Locale.ROOT,
        "load average %.1f on %d cores%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| nodes | running pods | retained input (MiB) | bytes per node+pod | allocated per step"
            + " (MiB) | cold wall / CPU (ms) | in loop wall / CPU (ms) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int n : sizes) {
      int pods = n * 30;
      long before = usedAfterGc();
      SyntheticCluster c = SyntheticCluster.generate(n, pods, 2000, 7);
      DecisionInput input = c.input();
      long retained = usedAfterGc() - before;
      SyntheticCluster[] loop = {c, c.churned(100)};
      NodeUsageMemo memo = new NodeUsageMemo();
      for (int i = 0; i < 20; i++) {
        Decider.decide(input);
        Decider.decide(loop[i & 1].input(), memo);
      }
      long tid = Thread.currentThread().getId();
      long[] coldWall = new long[RUNS];
      long[] coldCpu = new long[RUNS];
      long[] loopWall = new long[RUNS];
      long[] loopCpu = new long[RUNS];
      long alloc = 0;
      Plan keep = null;
      for (int i = 0; i < RUNS; i++) {
        long a0 = mx.getThreadAllocatedBytes(tid);
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        keep = Decider.decide(input);
        coldWall[i] = System.nanoTime() - t0;
        coldCpu[i] = mx.getCurrentThreadCpuTime() - c0;
        alloc += mx.getThreadAllocatedBytes(tid) - a0;
        DecisionInput next = loop[i & 1].input();
        c0 = mx.getCurrentThreadCpuTime();
        t0 = System.nanoTime();
        Plan p = Decider.decide(next, memo);
        loopWall[i] = System.nanoTime() - t0;
        loopCpu[i] = mx.getCurrentThreadCpuTime() - c0;
        if (p.actions().isEmpty()) {
          throw new IllegalStateException("the synthetic cluster should always give actions");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %d | %d | %.1f | %.0f | %.1f | %.1f / %.1f | %.1f / %.1f |%n",
          n,
          pods,
          retained / 1048576.0,
          (double) retained / (n + pods + 2000),
          alloc / (double) RUNS / 1048576.0,
          median(coldWall),
          median(coldCpu),
          median(loopWall),
          median(loopCpu));
      if (keep == null || input.snapshot().nodes().size() != n) {
        throw new IllegalStateException("unexpected");
      }
    }
  }

  private static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e6;
  }

  private static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }
}
