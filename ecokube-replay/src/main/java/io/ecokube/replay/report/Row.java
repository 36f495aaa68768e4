package io.ecokube.replay.report;

import io.ecokube.replay.bound.ClairvoyantBound;
import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the comparison table, shared by the text, CSV and HTML reports.
 *
 * @param key the policy key ({@code clairvoyant} for the bound)
 * @param name the policy's name
 * @param kWh energy at the servers
 * @param pctAlwaysOn energy as a percentage of always-on
 * @param pctBound energy as a percentage of the clairvoyant bound (NaN without it)
 * @param p50 job wait, 50th percentile, seconds
 * @param p95 job wait, 95th percentile, seconds
 * @param p99 job wait, 99th percentile, seconds
 * @param delayedByBoot jobs that waited for a boot
 * @param jobs jobs replayed
 * @param cyclesMax most power-ons of one node
 * @param cyclesMean mean power-ons per node
 * @param cost facility cost
 * @param kgCo2 facility emissions
 * @param jobsCompleted jobs finished within the horizon
 */
public record Row(
    String key,
    String name,
    double kWh,
    double pctAlwaysOn,
    double pctBound,
    double p50,
    double p95,
    double p99,
    int delayedByBoot,
    int jobs,
    int cyclesMax,
    double cyclesMean,
    double cost,
    double kgCo2,
    int jobsCompleted) {

  /** The rows of a comparison: each policy in order, then the bound. */
  public static List<Row> of(Comparison c) {
    List<Row> rows = new ArrayList<>();
    for (PolicyResult r : c.results()) {
      rows.add(
          new Row(
              r.key(),
              r.caveat().isPresent() ? r.title() + " (inactive)" : r.title(),
              r.kWh(),
              c.percentOfAlwaysOn(r.joules()),
              c.percentOfBound(r.joules()),
              r.waitPercentile(50),
              r.waitPercentile(95),
              r.waitPercentile(99),
              r.delayedByBoot(),
              r.jobs(),
              r.maxCycles(),
              r.meanCycles(),
              r.cost(),
              r.gramsCo2() / 1000,
              r.jobsCompleted()));
    }
    if (c.bound().isPresent()) {
      ClairvoyantBound.Result b = c.bound().get();
      rows.add(
          new Row(
              "clairvoyant",
              "clairvoyant bound",
              b.kWh(),
              c.percentOfAlwaysOn(b.joules()),
              100,
              0,
              0,
              0,
              0,
              c.jobs(),
              b.maxCyclesPerNode(),
              b.powerCycles() / (double) c.cluster().nodes(),
              c.cost(b.joules()),
              c.kgCo2(b.joules()),
              c.jobs()));
    }
    return rows;
  }
}
