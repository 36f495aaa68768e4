package io.ecokube.controller.demand;

import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.demand.BacklogReading;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.time.Clock;
import io.ecokube.core.workload.LagScalingPolicy;
import io.ecokube.core.workload.ScaleDecision;
import io.ecokube.core.workload.WorkloadDemandStage;
import io.ecokube.kafka.lag.BacklogPoller;
import io.ecokube.kafka.lag.KafkaLagSettings;
import io.ecokube.kafka.lag.KafkaLagSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The wiring from Kafka consumer lag to the engine's {@link Demand}: a {@link KafkaLagSource} read
 * by a {@link BacklogPoller} on its own thread (every poll interval, and at once when an idle
 * backlog's end offsets grow), every reading turned into desired pods by core's {@link
 * WorkloadDemandStage}, and (optionally) the replica counts carried out through a {@link
 * WorkloadScaler}. The engine reads {@link #latest()} (or {@link #asSupplier()}) on its own
 * schedule without ever waiting on Kafka; {@code onDemand} is called after every poll for an engine
 * that wants to reconcile as soon as the backlog changes.
 */
public final class KafkaDemandFeed implements AutoCloseable {
  private final WorkloadDemandStage stage;
  private final BacklogPoller poller;
  private final AtomicReference<Demand> latest;

  private KafkaDemandFeed(
      KafkaLagSettings lag,
      List<LagScalingPolicy> policies,
      Clock clock,
      Optional<WorkloadScaler> scaler,
      Consumer<Demand> onDemand) {
    this.stage = new WorkloadDemandStage(policies, clock);
    // Until the first poll the demand is unknown: stale, so nothing is scaled down meanwhile.
    this.latest =
        new AtomicReference<>(
            new Demand(clock.now(), List.of(), List.of(), Optional.of("no lag poll yet")));
    KafkaLagSource source = KafkaLagSource.create(lag, clock);
    this.poller =
        BacklogPoller.forKafka(
            "kafka-demand",
            source,
            (List<BacklogReading> readings) -> {
              Demand d = stage.update(readings);
              latest.set(d);
              scaler.ifPresent(stage::apply);
              onDemand.accept(d);
            });
  }

  /**
   * Starts polling.
   *
   * @param scaler carries out the replica counts; empty when something else (the engine's executor,
   *     a Kubernetes HPA) does
   * @param onDemand called on the poller thread after every poll; must not block
   */
  public static KafkaDemandFeed start(
      KafkaLagSettings lag,
      List<LagScalingPolicy> policies,
      Clock clock,
      Optional<WorkloadScaler> scaler,
      Consumer<Demand> onDemand) {
    return new KafkaDemandFeed(
        Objects.requireNonNull(lag, "lag"),
        Objects.requireNonNull(policies, "policies"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(scaler, "scaler"),
        Objects.requireNonNull(onDemand, "onDemand"));
  }

  /** The demand from the last poll (stale before the first one). */
  public Demand latest() {
    return latest.get();
  }

  /** {@link #latest()} as a supplier, for an engine that pulls its demand. */
  public Supplier<Demand> asSupplier() {
    return this::latest;
  }

  /** The autoscaler's decisions of the last poll, with their reasons. */
  public List<ScaleDecision> decisions() {
    return stage.lastDecisions();
  }

  /** Stops polling and closes the Kafka client. */
  @Override
  public void close() {
    poller.close();
  }
}
