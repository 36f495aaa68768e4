package io.ecokube.examples.kafka;

import io.ecokube.api.cluster.SchedulingRequirements;
import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.demand.WorkloadDemand;
import io.ecokube.api.node.Resources;
import io.ecokube.api.time.Clock;
import io.ecokube.controller.demand.KafkaDemandFeed;
import io.ecokube.core.workload.LagScalingPolicy;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.test.kafka.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka half of Eco-Stream on a real broker: an embedded KRaft broker, 50 video uploads on a
 * 10-partition topic, and Eco-Worker consumers that the workload autoscaler starts from the true
 * consumer lag (KEDA semantics: lagThreshold 1 as in the prototype, at most 10 workers) and stops
 * again after a short cooldown. Prints the lag, the desired pods the engine would place and the
 * workers running, once a second. Needs only a JDK; takes well under two minutes.
 *
 * <p>Exits 0 when every upload was transcoded and the workers scaled back to zero, 1 otherwise.
 * Optional argument: the number of uploads (50).
 */
public final class KafkaStreamDemo {
  /** The topic the uploads go to. */
  public static final String TOPIC = "uploads";

  /** The workers' consumer group. */
  public static final String GROUP = "eco-worker-group";

  /** The worker Deployment. */
  public static final WorkloadRef WORKER = WorkloadRef.deployment("eco-stream", "eco-worker");

  /** One transcoding pod: 2 cores, 4 GiB, one GPU. */
  public static final SchedulingRequirements WORKER_POD =
      SchedulingRequirements.of(Resources.request(2000, 4L << 30, 1));

  private KafkaStreamDemo() {}

  /** The prototype's KEDA trigger, with a cooldown short enough for a demo. */
  public static LagScalingPolicy workerPolicy() {
    return LagScalingPolicy.builder(WORKER, TOPIC, GROUP, WORKER_POD)
        .lagThreshold(1)
        .maxReplicas(10)
        .cooldownPeriod(Duration.ofSeconds(5))
        .scaleDownStabilization(Duration.ofSeconds(5))
        .build();
  }

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    int uploads = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    PrintStream out = System.out;
    Instant start = Instant.now();
    boolean ok;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      broker.createTopic(TOPIC, 10);
      broker.initGroup(GROUP, TOPIC, 10);
      out.printf(
          "broker up at %s, topic %s with 10 partitions%n", broker.bootstrapServers(), TOPIC);
      KafkaLagSettings lag =
          KafkaLagSettings.builder(broker.bootstrapServers()).target(TOPIC, GROUP).build();
      try (WorkerPool pool =
              new WorkerPool(
                  WORKER, broker.bootstrapServers(), TOPIC, GROUP, Duration.ofMillis(400));
          KafkaDemandFeed feed =
              KafkaDemandFeed.start(
                  lag, List.of(workerPolicy()), Clock.system(), Optional.of(pool), d -> {})) {
        UploadProducer.produceUploads(broker.bootstrapServers(), TOPIC, uploads);
        out.printf("%d uploads produced%n", uploads);
        ok = watch(out, start, feed, pool, uploads);
      }
    }
    out.printf(
        Locale.ROOT,
        "done in %.1f s%n",
        Duration.between(start, Instant.now()).toMillis() / 1000.0);
    if (!ok) {
      out.println("Kafka Eco-Stream FAILED: uploads left or workers still running after 100 s");
      System.exit(1);
    }
  }

  private static boolean watch(
      PrintStream out, Instant start, KafkaDemandFeed feed, WorkerPool pool, int uploads)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
    boolean scaledUp = false;
    while (System.nanoTime() < deadline) {
      TimeUnit.SECONDS.sleep(1);
      Demand d = feed.latest();
      WorkloadDemand w = d.desired().isEmpty() ? null : d.desired().get(0);
      int running = pool.replicas(WORKER).orElse(0);
      out.printf(
          Locale.ROOT,
          "t=%5.1fs  transcoded %3d/%d  desired pods %2s  workers %2d  %s%n",
          Duration.between(start, Instant.now()).toMillis() / 1000.0,
          pool.transcoded(),
          uploads,
          w == null ? "-" : String.valueOf(w.replicas()),
          running,
          d.staleReason().map(r -> "stale: " + r).orElse(w == null ? "" : w.reason()));
      scaledUp |= running > 0;
      if (scaledUp && pool.transcoded() >= uploads && running == 0) {
        return true;
      }
    }
    return false;
  }
}
