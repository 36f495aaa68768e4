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
 * One decision step ({@link Decider#decide}) for a large cluster: 1,000 to 20,000 nodes with 30
 * running pods each, 2,000 or 8,000 pending pods, and desired and forecast demand, in a uniform or
 * a mixed cluster ({@link SyntheticCluster.Mix}). The input is built inside the measured step, as
 * the engine does on every reconcile. {@code decideCold} reads every pod; {@code decideInLoop} is
 * the engine's steady state, reusing per-node totals of unchanged nodes. Pick sizes with {@code
 * -p}, e.g. {@code -p nodes=5000 -p pendingPods=2000 -p mix=MIXED}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
public class DecisionBenchmark {

  /** Nodes. */
  @Param({"1000", "5000", "10000", "20000"})
  public int nodes;

  /** Running workload pods per node (on average, over the nodes that are on or not). */
  @Param({"30"})
  public int podsPerNode;

  /** Unscheduled pods. */
  @Param({"2000", "8000"})
  public int pendingPods;

  /** How varied nodes and pod constraints are. */
  @Param({"UNIFORM", "MIXED"})
  public SyntheticCluster.Mix mix;

  private SyntheticCluster cluster;
  private SyntheticCluster[] steadyState;
  private NodeUsageMemo memo;
  private int step;

  /** Builds the cluster once. */
  @Setup(Level.Trial)
  public void setUp() {
    cluster = SyntheticCluster.generate(nodes, nodes * podsPerNode, pendingPods, 42, mix);
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
