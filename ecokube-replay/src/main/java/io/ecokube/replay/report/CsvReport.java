package io.ecokube.replay.report;

import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import io.ecokube.replay.sim.Series;
import java.util.Locale;

/** The comparison as CSV, for people who plot elsewhere. */
public final class CsvReport {
  /** The columns of {@link #summary}. */
  public static final String SUMMARY_HEADER =
      "policy,kwh,pct_always_on,pct_bound,wait_p50_s,wait_p95_s,wait_p99_s,jobs_delayed_by_boot,"
          + "jobs,jobs_completed,cycles_per_node_max,cycles_per_node_mean,cost,kg_co2";

  /** The columns of {@link #series}. */
  public static final String SERIES_HEADER = "policy,t_seconds,power_w,nodes_on,backlog_pods";

  private CsvReport() {}

  /** One row per policy and one for the bound: the table's numbers, unformatted. */
  public static String summary(Comparison c) {
    StringBuilder b = new StringBuilder(SUMMARY_HEADER).append('\n');
    for (Row r : Row.of(c)) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%.4f,%s,%s,%.1f,%.1f,%.1f,%d,%d,%d,%d,%.3f,%.4f,%.4f%n",
              r.key(),
              r.kWh(),
              num(r.pctAlwaysOn()),
              num(r.pctBound()),
              r.p50(),
              r.p95(),
              r.p99(),
              r.delayedByBoot(),
              r.jobs(),
              r.jobsCompleted(),
              r.cyclesMax(),
              r.cyclesMean(),
              r.cost(),
              r.kgCo2()));
    }
    return b.toString();
  }

  /** Every policy's series, one row per policy and interval (interval start in seconds). */
  public static String series(Comparison c) {
    StringBuilder b = new StringBuilder(SERIES_HEADER).append('\n');
    for (PolicyResult r : c.results()) {
      Series s = r.series();
      double[] w = s.watts();
      double[] on = s.nodesOn();
      double[] q = s.backlog();
      long step = s.step().toSeconds();
      for (int i = 0; i < s.size(); i++) {
        b.append(
            String.format(
                Locale.ROOT, "%s,%d,%.1f,%.3f,%.3f%n", r.key(), i * step, w[i], on[i], q[i]));
      }
    }
    return b.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
  }
}
