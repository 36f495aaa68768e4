package io.ecokube.core.metering;

import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerMeter;
import io.ecokube.api.power.PowerReading;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several meters behind one, with a fixed precedence per node: a reading of wall power (a BMC
 * through IPMI DCMI or Redfish) wins over a partial one (Kepler's CPU figures); among readings of
 * the same kind the meter listed first wins. A meter that fails is skipped for this read and
 * logged, so one broken BMC never hides Kepler's figures for every other node. {@link #inOrder}
 * drops the wall-power rule: the first meter listed with a reading wins, as an admin's explicit
 * preference says.
 */
public final class PreferringPowerMeter implements PowerMeter {
  private static final Logger LOG = LoggerFactory.getLogger(PreferringPowerMeter.class);

  private final List<PowerMeter> meters;
  private final boolean wallPowerFirst;

  /** Meters in order of preference among equals; wall power wins over partial readings. */
  public PreferringPowerMeter(List<PowerMeter> meters) {
    this(meters, true);
  }

  private PreferringPowerMeter(List<PowerMeter> meters, boolean wallPowerFirst) {
    if (meters.isEmpty()) {
      throw new IllegalArgumentException("a preferring meter needs at least one meter");
    }
    this.meters = List.copyOf(meters);
    this.wallPowerFirst = wallPowerFirst;
  }

  /** Meters in strict order of preference: for each node, the first with a reading wins. */
  public static PreferringPowerMeter inOrder(List<PowerMeter> meters) {
    return new PreferringPowerMeter(meters, false);
  }

  @Override
  public String name() {
    return "preferring" + meters.stream().map(PowerMeter::name).toList();
  }

  @Override
  public Optional<PowerReading> read(String node) throws PowerException {
    return Optional.ofNullable(readAll(List.of(node)).get(node));
  }

  @Override
  public Map<String, PowerReading> readAll(Collection<String> nodes) throws PowerException {
    Map<String, PowerReading> best = new LinkedHashMap<>();
    PowerException last = null;
    int failures = 0;
    for (PowerMeter m : meters) {
      Map<String, PowerReading> got;
      try {
        got = m.readAll(nodes);
      } catch (PowerException e) {
        failures++;
        last = e;
        LOG.warn("power meter {} failed; using the others: {}", m.name(), e.getMessage());
        continue;
      }
      for (Map.Entry<String, PowerReading> e : got.entrySet()) {
        PowerReading current = best.get(e.getKey());
        if (current == null
            || (wallPowerFirst && e.getValue().wallPower() && !current.wallPower())) {
          best.put(e.getKey(), e.getValue());
        }
      }
    }
    if (failures == meters.size()) {
      throw last;
    }
    return best;
  }

  @Override
  public void close() {
    meters.forEach(PowerMeter::close);
  }
}
