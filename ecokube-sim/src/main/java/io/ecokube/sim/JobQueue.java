package io.ecokube.sim;

import io.ecokube.api.demand.BacklogReading;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a {@link QueueWorkload}'s jobs wait: in memory by default; a Kafka topic when the demo runs
 * against a broker. Lag counts jobs not yet acknowledged (waiting or in progress), as Kafka lag
 * counts records past the committed offset.
 */
public interface JobQueue {
  /** Adds an arriving job at the tail. */
  void offer(Job job);

  /** Takes the next waiting job, if any; it stays in the lag until acknowledged. */
  Optional<Job> poll();

  /** A taken job finished: it leaves the lag. */
  void acknowledge(Job job);

  /** A taken job was interrupted: it goes back to the head, to be delivered again. */
  void redeliver(Job job);

  /** The backlog now. */
  BacklogReading backlog(Instant now);
}
