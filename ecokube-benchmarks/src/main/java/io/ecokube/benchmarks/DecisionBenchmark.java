package io.ecokube.benchmarks;

import io.ecokube.api.plan.Plan;
import io.ecokube.core.decision.Decider;
import io.ecokube.core.decision.DecisionInput;
import io.ecokube.core.decision.NodeUsageMemo;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One decision step ({@link Decider#decide}) for a large cluster: by default 5,000 nodes, 150,000
 * running pods and 2,000 pending pods, with desired and forecast demand. The input is built inside
 * the measured step, as the engine does on every reconcile. {@code decideCold} reads every pod;
 * {@code decideInLoop} is the engine's steady state, reusing per-node totals of unchanged nodes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class DecisionBenchmark {

  /** Nodes. */
  @Param({"5000"})
  public int nodes;

  /** Running workload pods. */
  @Param({"150000"})
  public int runningPods;

  /** Unscheduled pods. */
  @Param({"2000"})
  public int pendingPods;

  private SyntheticCluster cluster;
  private SyntheticCluster[] steadyState;
  private NodeUsageMemo memo;
  private int step;

  /** Builds the cluster once. */
  @Setup(Level.Trial)
  public void setUp() {
    cluster = SyntheticCluster.generate(nodes, runningPods, pendingPods, 42);
    // Two snapshots that differ in the pods of about 1 % of the nodes, alternated.
    steadyState = new SyntheticCluster[] {cluster, cluster.churned(100)};
    memo = new NodeUsageMemo();
    Decider.decide(cluster.input(), memo);
  }

  /** One decision step from scratch: every pod is read. */
  @Benchmark
  public Plan decideCold() {
    DecisionInput in = cluster.input();
    return Decider.decide(in);
  }

  /**
   * One decision step as the engine's loop makes it: with the memo of earlier steps, while the pods
   * of about 1 % of the nodes change between steps.
   */
  @Benchmark
  public Plan decideInLoop() {
    DecisionInput in = steadyState[step++ & 1].input();
    return Decider.decide(in, memo);
  }
}
