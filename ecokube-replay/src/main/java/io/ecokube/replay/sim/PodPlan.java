package io.ecokube.replay.sim;

import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A trace's jobs as pods for a cluster. A job that needs more cores than a node has is split into
 * {@code k = ceil(cores / coresPerNode)} pods that share its cores as evenly as whole cores allow
 * (the first {@code cores mod k} pods get one more) and its memory in equal parts; the replay's
 * {@link BackfillQueue} starts a job's pods together, and each runs the job's full runtime. A job
 * whose pods could never fit (memory beyond a node's, or more pods than the cluster has nodes) is
 * left out and listed in {@link #excluded()}, never dropped silently.
 */
public final class PodPlan {
  final int jobs;
  final long[] jobSubmitMs;
  final String[] jobIds;
  final int[] jobPods;
  final int pods;
  final int[] podJob;
  final long[] podCpuMillis;
  final long[] podMemBytes;
  final long[] podArrivalMs;
  final long[] podRuntimeMs;
  private final List<String> excluded;
  private final List<TraceJob> included;

  /**
   * Splits the jobs submitted before {@code horizon}.
   *
   * @param jobs the trace's jobs, in submit order
   * @param cluster the cluster
   * @param horizon jobs submitted at or after it are not replayed
   */
  public PodPlan(List<TraceJob> jobs, ReplayCluster cluster, Duration horizon) {
    List<TraceJob> keep = new ArrayList<>();
    List<String> out = new ArrayList<>();
    int c = cluster.coresPerNode();
    for (TraceJob j : jobs) {
      if (j.submit().compareTo(horizon) >= 0) {
        continue;
      }
      int k = (j.cores() + c - 1) / c;
      long mem = j.memoryMb().isPresent() ? j.memoryMb().getAsLong() * 1024 * 1024 : 0;
      long perPod = (mem + k - 1) / k;
      if (perPod > cluster.memoryBytesPerNode()) {
        out.add(
            String.format(
                Locale.ROOT,
                "job %s needs %d MB in %d pods (%d MB each), a node has %d MB",
                j.id(),
                mem / (1024 * 1024),
                k,
                perPod / (1024 * 1024),
                cluster.memoryBytesPerNode() / (1024 * 1024)));
        continue;
      }
      if (k > cluster.nodes()) {
        // Pods of a split job take more than half a node each: one node per pod, all at once.
        out.add(
            String.format(
                Locale.ROOT,
                "job %s needs %d cores, %d nodes at once; the cluster has %d",
                j.id(),
                j.cores(),
                k,
                cluster.nodes()));
        continue;
      }
      keep.add(j);
    }
    this.excluded = List.copyOf(out);
    this.included = List.copyOf(keep);
    this.jobs = keep.size();
    jobSubmitMs = new long[jobs()];
    jobIds = new String[jobs()];
    jobPods = new int[jobs()];
    int total = 0;
    for (int i = 0; i < this.jobs; i++) {
      TraceJob j = keep.get(i);
      jobSubmitMs[i] = j.submit().toMillis();
      jobIds[i] = j.id();
      jobPods[i] = (j.cores() + c - 1) / c;
      total += jobPods[i];
    }
    pods = total;
    podJob = new int[pods];
    podCpuMillis = new long[pods];
    podMemBytes = new long[pods];
    podArrivalMs = new long[pods];
    podRuntimeMs = new long[pods];
    int p = 0;
    for (int i = 0; i < this.jobs; i++) {
      TraceJob j = keep.get(i);
      int k = jobPods[i];
      long mem = j.memoryMb().isPresent() ? j.memoryMb().getAsLong() * 1024 * 1024 : 0;
      for (int q = 0; q < k; q++) {
        int cores = j.cores() / k + (q < j.cores() % k ? 1 : 0);
        podJob[p] = i;
        podCpuMillis[p] = cores * 1000L;
        podMemBytes[p] = mem / k;
        podArrivalMs[p] = jobSubmitMs[i];
        podRuntimeMs[p] = Math.max(1, j.runtime().toMillis());
        p++;
      }
    }
  }

  /** Jobs replayed. */
  public int jobs() {
    return jobs;
  }

  /** Pods replayed (jobs after splitting). */
  public int pods() {
    return pods;
  }

  /** The jobs replayed, in submit order (for the clairvoyant bound). */
  public List<TraceJob> includedJobs() {
    return included;
  }

  /** Jobs left out because they could never fit a node, with the reason. */
  public List<String> excluded() {
    return excluded;
  }
}
