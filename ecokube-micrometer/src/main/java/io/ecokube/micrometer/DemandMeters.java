package io.ecokube.micrometer;

import io.ecokube.api.cluster.ClusterSnapshot;
import io.ecokube.api.cluster.PodInfo;
import io.ecokube.api.cluster.PodPhase;
import io.micrometer.core.instrument.Gauge;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demand meters: forecast beside actual demand per series (a bounded number of series), and the
 * workload pods of the latest snapshot by phase.
 */
final class DemandMeters {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeMetrics.class);

  private final MeterSet meters;
  private final Map<String, AtomicLong> forecast = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> actual = new ConcurrentHashMap<>();
  private final AtomicBoolean podsBound = new AtomicBoolean();
  private final EnumMap<PodPhase, AtomicLong> pods = new EnumMap<>(PodPhase.class);

  DemandMeters(MeterSet meters) {
    this.meters = meters;
    for (PodPhase p : PodPhase.values()) {
      pods.put(p, new AtomicLong());
    }
  }

  void forecast(String series, double value) {
    set(forecast, "ecokube.demand.forecast", "Forecast demand, in the series' unit", series, value);
  }

  void actual(String series, double value) {
    set(actual, "ecokube.demand.actual", "Demand seen, in the series' unit", series, value);
  }

  /** Counts the snapshot's workload pods (DaemonSet and mirror pods aside) by phase. */
  void countPods(ClusterSnapshot snapshot) {
    bindPods();
    EnumMap<PodPhase, Long> counts = new EnumMap<>(PodPhase.class);
    for (PodInfo p : snapshot.pods()) {
      if (p.kind().countsAsWork()) {
        counts.merge(p.phase(), 1L, Long::sum);
      }
    }
    for (PodPhase p : PodPhase.values()) {
      pods.get(p).set(counts.getOrDefault(p, 0L));
    }
  }

  /** Registers the pod gauges, once. */
  void bindPods() {
    if (!podsBound.compareAndSet(false, true)) {
      return;
    }
    for (PodPhase p : PodPhase.values()) {
      AtomicLong v = pods.get(p);
      meters.keep(
          Gauge.builder("ecokube.pods", v, AtomicLong::get)
              .description("Workload pods by phase (DaemonSet and mirror pods aside)")
              .tag("phase", p.name().toLowerCase(Locale.ROOT))
              .strongReference(true)
              .register(meters.registry));
    }
  }

  private void set(
      Map<String, AtomicLong> values,
      String name,
      String description,
      String series,
      double value) {
    Objects.requireNonNull(series, "series");
    if (series.isBlank()) {
      throw new IllegalArgumentException("series name must not be blank");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "demand of series '" + series + "' must be a finite number, got " + value);
    }
    AtomicLong holder = values.get(series);
    if (holder == null) {
      if (values.size() >= EcoKubeMetrics.MAX_SERIES) {
        LOG.warn(
            "metrics: series '{}' dropped: at most {} series are exported for {}",
            series,
            EcoKubeMetrics.MAX_SERIES,
            name);
        return;
      }
      holder =
          values.computeIfAbsent(
              series,
              k -> {
                AtomicLong h = new AtomicLong(Double.doubleToLongBits(value));
                meters.keep(
                    Gauge.builder(name, h, x -> Double.longBitsToDouble(x.get()))
                        .description(description)
                        .tag("series", k)
                        .strongReference(true)
                        .register(meters.registry));
                return h;
              });
    }
    holder.set(Double.doubleToLongBits(value));
  }
}
