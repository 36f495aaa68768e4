package io.ecokube.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The registry and every meter registered on it by one {@link EcoKubeMetrics}, to remove them. */
final class MeterSet {
  final MeterRegistry registry;
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();

  MeterSet(MeterRegistry registry) {
    this.registry = registry;
  }

  <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  Counter counter(String name, String description, String... tags) {
    return keep(Counter.builder(name).description(description).tags(tags).register(registry));
  }

  void removeAll() {
    for (Meter m : meters) {
      registry.remove(m);
    }
    meters.clear();
  }

  /** An enum constant as a label value: lower case. */
  static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
