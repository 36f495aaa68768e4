package io.ecokube.replay.sim;

import java.util.Arrays;

/**
 * How each job of a {@link PodPlan} fared in a replay: when its last pod first started (its wait),
 * whether a pod started on a node whose boot ended after the job was submitted (delayed by a boot),
 * and whether all its pods finished. Times are milliseconds since the replay's start.
 */
final class JobOutcomes {
  private final PodPlan plan;
  private final long[] podStartMs;
  private final int[] podsStarted;
  private final int[] podsDone;
  private final long[] startMs;
  private final boolean[] bootDelayed;

  JobOutcomes(PodPlan plan) {
    this.plan = plan;
    podStartMs = new long[plan.pods];
    Arrays.fill(podStartMs, -1);
    podsStarted = new int[plan.jobs];
    podsDone = new int[plan.jobs];
    startMs = new long[plan.jobs];
    bootDelayed = new boolean[plan.jobs];
  }

  /** Pod {@code p} started at {@code t} on a node whose last boot ends at {@code bootEndsMs}. */
  void podStarted(int p, long t, long bootEndsMs) {
    int j = plan.podJob[p];
    if (bootEndsMs > plan.jobSubmitMs[j]) {
      bootDelayed[j] = true;
    }
    // A restarted pod keeps its first start: the job's wait was over then.
    if (podStartMs[p] < 0) {
      podStartMs[p] = t;
      if (++podsStarted[j] == plan.jobPods[j]) {
        startMs[j] = t;
      }
    }
  }

  void podDone(int p) {
    podsDone[plan.podJob[p]]++;
  }

  /** Jobs all of whose pods started. */
  int started() {
    int n = 0;
    for (int j = 0; j < plan.jobs; j++) {
      n += podsStarted[j] == plan.jobPods[j] ? 1 : 0;
    }
    return n;
  }

  /** Jobs all of whose pods finished. */
  int completed() {
    int n = 0;
    for (int j = 0; j < plan.jobs; j++) {
      n += podsDone[j] == plan.jobPods[j] ? 1 : 0;
    }
    return n;
  }

  /** The waits in seconds of the started jobs, in job order. */
  double[] waits() {
    double[] w = new double[started()];
    int i = 0;
    for (int j = 0; j < plan.jobs; j++) {
      if (podsStarted[j] == plan.jobPods[j]) {
        w[i++] = (startMs[j] - plan.jobSubmitMs[j]) / 1000.0;
      }
    }
    return w;
  }

  /** Started jobs that waited and had a pod start on a node booted for them or booting. */
  int delayedByBoot() {
    int n = 0;
    for (int j = 0; j < plan.jobs; j++) {
      if (podsStarted[j] == plan.jobPods[j] && startMs[j] > plan.jobSubmitMs[j] && bootDelayed[j]) {
        n++;
      }
    }
    return n;
  }
}
