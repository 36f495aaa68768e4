package io.ecokube.controller.state;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.kubernetes.ConfigMapState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the power-model coefficients a calibration learned, per node, in the controller's state
 * ConfigMap beside the ledger totals (keys {@code calibration.NODE.idleWatts}, {@code .maxWatts},
 * {@code .rSquared}, {@code .samples}, {@code .at}), written with the ConfigMap's resourceVersion
 * check, so a restarted or newly elected controller accounts with the learned model at once.
 */
public final class CalibrationStore {
  private static final String PREFIX = "calibration.";

  private final ConfigMapState state;

  /** Coefficients kept in {@code state}. */
  public CalibrationStore(ConfigMapState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /**
   * One node's learned model.
   *
   * @param idleWatts fitted draw when idle
   * @param maxWatts fitted draw at full load
   * @param rSquared the fit's R²
   * @param samples how many samples it was fitted on
   * @param at when it was fitted
   */
  public record Coefficients(
      double idleWatts, double maxWatts, double rSquared, int samples, Instant at) {
    /** Validates. */
    public Coefficients {
      if (!(Double.isFinite(idleWatts) && idleWatts >= 0 && maxWatts >= idleWatts)) {
        throw new IllegalArgumentException(
            "coefficients need 0 <= idleWatts <= maxWatts, got " + idleWatts + ", " + maxWatts);
      }
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * The stored coefficients by node. Entries that cannot be read are left out.
   *
   * @throws ActuatorException when the ConfigMap cannot be read
   */
  public Map<String, Coefficients> load() throws ActuatorException {
    Map<String, String> data = state.load().orElse(Map.of());
    Map<String, Coefficients> out = new LinkedHashMap<>();
    for (String key : data.keySet()) {
      if (!key.startsWith(PREFIX) || !key.endsWith(".idleWatts")) {
        continue;
      }
      String node = key.substring(PREFIX.length(), key.length() - ".idleWatts".length());
      decode(data, node).ifPresent(c -> out.put(node, c));
    }
    return out;
  }

  /** Writes every node's coefficients, over the data last read or written. */
  public void save(Map<String, Coefficients> coefficients) throws ActuatorException {
    synchronized (state) {
      Map<String, String> data = new LinkedHashMap<>(state.known());
      coefficients.forEach((node, c) -> data.putAll(encode(node, c)));
      state.save(data);
    }
  }

  static Map<String, String> encode(String node, Coefficients c) {
    Map<String, String> m = new LinkedHashMap<>();
    String p = PREFIX + node + ".";
    m.put(p + "idleWatts", Double.toString(c.idleWatts()));
    m.put(p + "maxWatts", Double.toString(c.maxWatts()));
    m.put(p + "rSquared", Double.toString(c.rSquared()));
    m.put(p + "samples", Integer.toString(c.samples()));
    m.put(p + "at", c.at().toString());
    return m;
  }

  static Optional<Coefficients> decode(Map<String, String> m, String node) {
    String p = PREFIX + node + ".";
    try {
      return Optional.of(
          new Coefficients(
              Double.parseDouble(m.get(p + "idleWatts")),
              Double.parseDouble(m.get(p + "maxWatts")),
              Double.parseDouble(m.getOrDefault(p + "rSquared", "0")),
              Integer.parseInt(m.getOrDefault(p + "samples", "0")),
              Instant.parse(m.getOrDefault(p + "at", Instant.EPOCH.toString()))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
