package io.ecokube.replay.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * A run's time series in equal intervals, each value the average over its interval.
 *
 * @param step the interval
 * @param watts the cluster's draw at the servers
 * @param nodesOn nodes not off (booting, on, draining or shutting down)
 * @param backlog job pods waiting to start
 */
public record Series(Duration step, double[] watts, double[] nodesOn, double[] backlog) {
  /** Validates and copies. */
  public Series {
    Objects.requireNonNull(step, "step");
    watts = watts.clone();
    nodesOn = nodesOn.clone();
    backlog = backlog.clone();
    if (watts.length != nodesOn.length || watts.length != backlog.length) {
      throw new IllegalArgumentException("series differ in length");
    }
  }

  /** Number of intervals. */
  public int size() {
    return watts.length;
  }

  @Override
  public double[] watts() {
    return watts.clone();
  }

  @Override
  public double[] nodesOn() {
    return nodesOn.clone();
  }

  @Override
  public double[] backlog() {
    return backlog.clone();
  }
}
