package io.ecokube.sim;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a simulation's timeline.
 *
 * @param at when
 * @param kind what happened: {@code ARRIVED}, {@code STARTED}, {@code DONE}, {@code INTERRUPTED},
 *     {@code SCALED}, {@code ACTION}, {@code OUTCOME}, {@code STATE}
 * @param subject the job, workload or node concerned
 * @param detail the rest, in words
 * @param watts the cluster's draw at that moment
 * @param alwaysOnWatts what an always-on cluster would draw at that moment
 */
public record TimelineEvent(
    Instant at, String kind, String subject, String detail, double watts, double alwaysOnWatts) {
  /** Validates. */
  public TimelineEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(detail, "detail");
  }
}
