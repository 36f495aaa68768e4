package io.ecokube.replay.sim;

import io.ecokube.api.forecast.Forecaster;
import io.ecokube.api.time.Clock;
import io.ecokube.api.time.Durations;
import io.ecokube.core.prewake.PreWake;
import io.ecokube.core.prewake.PreWakeSettings;
import io.ecokube.predict.baseline.SeasonalNaiveForecaster;
import io.ecokube.replay.bound.ClairvoyantBound;
import io.ecokube.replay.cluster.ReplayCluster;
import io.ecokube.replay.policy.PolicyCatalog;
import io.ecokube.replay.policy.ReplayPolicy;
import io.ecokube.replay.trace.Trace;
import io.ecokube.replay.trace.TraceJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * Replays one trace under several policies and computes the clairvoyant bound: the whole
 * comparison, without any printing. Deterministic: the same inputs give the same {@link Comparison}
 * (apart from wall times).
 */
public final class Replay {
  /** Receives progress: what is being replayed and the fraction done, from any thread. */
  @FunctionalInterface
  public interface Progress {
    /** Progress so far. */
    void update(String what, double fraction);
  }

  private final ReplayCluster cluster;
  private final Function<Duration, PreWakeSettings> preWakeSettings;
  private final Forecaster forecaster;
  private final int parallelism;

  /**
   * A replay.
   *
   * @param cluster the cluster
   * @param forecaster the forecaster of predictive policies
   * @param preWakeSettings the pre-wake settings for a lead time (boot time plus a reconcile)
   * @param parallelism how many policies are replayed at the same time, >= 1
   */
  public Replay(
      ReplayCluster cluster,
      Forecaster forecaster,
      Function<Duration, PreWakeSettings> preWakeSettings,
      int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    this.parallelism = parallelism;
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
    this.preWakeSettings = Objects.requireNonNull(preWakeSettings, "preWakeSettings");
  }

  /** Steps of the pre-wake series: 5 minutes. */
  public static final Duration PRE_WAKE_STEP = Duration.ofMinutes(5);

  /**
   * The forecaster of {@code eco-predictive}: seasonal naive over a day of {@link #PRE_WAKE_STEP}
   * steps, averaged over the last 3 days.
   */
  public static Forecaster dailyForecaster() {
    return new SeasonalNaiveForecaster(
        (int) (Duration.ofDays(1).toMillis() / PRE_WAKE_STEP.toMillis()), 3);
  }

  /**
   * The pre-wake settings of {@code eco-predictive}: 5 min steps, a day and a step of history
   * before the first forecast (the seasonal naive forecaster needs one season plus one value), a
   * refit every hour on up to 7 days.
   *
   * @param lead the lead time (boot time plus a reconcile interval)
   * @param estimate upper bound or mean
   * @param level the interval level
   */
  public static PreWakeSettings preWakeSettings(
      Duration lead, PreWakeSettings.Estimate estimate, double level) {
    return PreWakeSettings.builder(lead)
        .step(PRE_WAKE_STEP)
        .minHistory(Duration.ofDays(1).plus(PRE_WAKE_STEP))
        .estimate(estimate)
        .level(level)
        .build();
  }

  /** The horizon of a trace when none is given: its span plus 30 minutes to drain. */
  public static Duration defaultHorizon(Trace trace) {
    return trace.span().plus(Duration.ofMinutes(30));
  }

  /** The series interval: the horizon in about 720 steps, a whole minute at least. */
  public static Duration seriesStep(Duration horizon) {
    long minutes = Math.max(1, (horizon.toMinutes() + 719) / 720);
    return Duration.ofMinutes(minutes);
  }

  /**
   * Runs the comparison.
   *
   * @param trace the trace
   * @param keys the policies, from {@link PolicyCatalog#KEYS}
   * @param horizon how long to replay and account; jobs submitted later are left out
   * @param progress receives progress
   */
  public Comparison run(Trace trace, List<String> keys, Duration horizon, Progress progress) {
    List<ReplayPolicy> policies = new ArrayList<>();
    for (String key : keys) {
      if (!key.equals(PolicyCatalog.CLAIRVOYANT)) {
        policies.add(PolicyCatalog.policy(key, cluster.nodes()));
      }
    }
    return run(trace, policies, keys.contains(PolicyCatalog.CLAIRVOYANT), horizon, progress);
  }

  /**
   * Runs the comparison of any policies (the variants of a sweep, say), in parallel.
   *
   * @param trace the trace
   * @param policies the policies to simulate
   * @param withBound whether to compute the clairvoyant bound too
   * @param horizon how long to replay and account; jobs submitted later are left out
   * @param progress receives progress
   */
  public Comparison run(
      Trace trace,
      List<ReplayPolicy> policies,
      boolean withBound,
      Duration horizon,
      Progress progress) {
    PodPlan plan = new PodPlan(trace.jobs(), cluster, horizon);
    List<String> notes = new ArrayList<>();
    if (!trace.problems().isEmpty()) {
      notes.add(
          trace.problems().size()
              + " trace line(s) skipped ("
              + trace.problemCounts()
              + "), first: "
              + trace.problems().get(0));
    }
    if (!plan.excluded().isEmpty()) {
      notes.add(
          plan.excluded().size()
              + " job(s) left out, they fit no node; first: "
              + plan.excluded().get(0));
    }
    long later = trace.jobs().stream().filter(j -> j.submit().compareTo(horizon) >= 0).count();
    if (later > 0) {
      notes.add(
          later
              + " job(s) submitted after the horizon of "
              + Durations.format(horizon)
              + " not replayed");
    }
    Duration step = seriesStep(horizon);
    Optional<ClairvoyantBound.Result> bound =
        withBound
            ? Optional.of(
                ClairvoyantBound.compute(
                    plan.includedJobs(),
                    cluster.nodes(),
                    cluster.coresPerNode(),
                    cluster.power(),
                    horizon))
            : Optional.empty();
    List<ReplayPolicy> simulated = List.copyOf(policies);
    // Policies are independent simulations on their own virtual clocks: run them side by side.
    double[] done = new double[simulated.size()];
    String label = simulated.size() + (simulated.size() == 1 ? " policy" : " policies");
    List<Callable<PolicyResult>> tasks = new ArrayList<>();
    for (int i = 0; i < simulated.size(); i++) {
      ReplayPolicy p = simulated.get(i);
      int slot = i;
      Duration lead = cluster.power().bootTime().plus(p.reconcileInterval());
      Function<Clock, PreWake> pw = c -> new PreWake(preWakeSettings.apply(lead), forecaster, c);
      DoubleConsumer report =
          f -> {
            synchronized (done) {
              done[slot] = f;
              double sum = 0;
              for (double d : done) {
                sum += d;
              }
              progress.update(label, sum / done.length);
            }
          };
      tasks.add(() -> ReplayRun.run(cluster, p, plan, horizon, step, Optional.of(pw), report));
    }
    List<PolicyResult> results = new ArrayList<>();
    int threads = Math.max(1, Math.min(parallelism, tasks.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "replay-" + r.hashCode());
              t.setDaemon(true);
              return t;
            });
    try {
      for (Future<PolicyResult> f : pool.invokeAll(tasks)) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("replay failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
    for (PolicyResult r : results) {
      r.caveat().ifPresent(notes::add);
    }
    double alwaysOn =
        results.stream()
            .filter(r -> r.key().equals("always-on"))
            .mapToDouble(PolicyResult::joules)
            .findFirst()
            .orElseGet(() -> alwaysOnEstimate(plan.includedJobs(), horizon));
    return new Comparison(
        cluster,
        trace.source(),
        horizon,
        plan.jobs(),
        plan.pods(),
        results,
        bound,
        alwaysOn,
        notes);
  }

  private double alwaysOnEstimate(List<TraceJob> jobs, Duration horizon) {
    double end = horizon.toMillis() / 1000.0;
    double coreSeconds = 0;
    for (TraceJob j : jobs) {
      double s = j.submit().toMillis() / 1000.0;
      coreSeconds +=
          Math.max(0, Math.min(end, s + j.runtime().toMillis() / 1000.0) - s) * j.cores();
    }
    double dyn =
        (cluster.power().maxWatts() - cluster.power().idleWatts()) / cluster.coresPerNode();
    return cluster.nodes() * cluster.power().idleWatts() * end + dyn * coreSeconds;
  }
}
