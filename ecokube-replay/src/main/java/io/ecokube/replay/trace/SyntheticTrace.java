package io.ecokube.replay.trace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A synthetic workload with a daily rhythm and bursts, for tests and the README example when no
 * real trace is at hand. Arrivals are a Poisson process whose rate follows a raised cosine over the
 * day (peak at 14:00, trough at 02:00), plus bursts: at random moments a batch of jobs arrives at
 * once. The same seed gives the same trace.
 */
public final class SyntheticTrace {
  private SyntheticTrace() {}

  /**
   * Generates a trace.
   *
   * @param span how long
   * @param peakPerHour arrivals per hour at the daily peak (the trough is a tenth of it)
   * @param burstsPerDay how many bursts a day, on average
   * @param burstSize jobs per burst
   * @param meanRuntime mean runtime (exponential, at least 10 s)
   * @param maxCores cores per job are uniform in 1..maxCores
   * @param seed the random seed
   */
  public static Trace generate(
      Duration span,
      double peakPerHour,
      double burstsPerDay,
      int burstSize,
      Duration meanRuntime,
      int maxCores,
      long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<TraceJob> jobs = new ArrayList<>();
    double end = span.toSeconds();
    double peak = peakPerHour / 3600.0;
    double trough = peak / 10;
    double maxRate = peak + burstsPerDay / 86400.0;
    // Thinning (Lewis-Shedler): draw at the maximum rate, keep with probability rate(t)/maxRate.
    double t = 0;
    int id = 0;
    while (true) {
      t += -Math.log(1 - rnd.nextDouble()) / maxRate;
      if (t >= end) {
        break;
      }
      double hour = (t / 3600.0) % 24;
      double diurnal =
          trough + (peak - trough) * 0.5 * (1 + Math.cos(2 * Math.PI * (hour - 14) / 24));
      double burst = burstsPerDay / 86400.0;
      double u = rnd.nextDouble() * maxRate;
      if (u < diurnal) {
        jobs.add(job(++id, t, rnd, meanRuntime, maxCores));
      } else if (u < diurnal + burst) {
        for (int k = 0; k < burstSize; k++) {
          jobs.add(job(++id, t, rnd, meanRuntime, maxCores));
        }
      }
    }
    return new Trace(
        String.format(
            java.util.Locale.ROOT,
            "synthetic(span=%s, peak=%.1f/h, seed=%d)",
            span,
            peakPerHour,
            seed),
        jobs,
        List.of());
  }

  private static TraceJob job(
      int id, double t, SplittableRandom rnd, Duration meanRuntime, int maxCores) {
    double runtime = Math.max(10, -Math.log(1 - rnd.nextDouble()) * meanRuntime.toSeconds());
    return new TraceJob(
        "S" + id,
        Duration.ofMillis(Math.round(t * 1000)),
        Duration.ofMillis(Math.round(runtime * 1000)),
        1 + rnd.nextInt(maxCores),
        OptionalLong.empty());
  }
}
