package io.ecokube.controller.state;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.EnergyTotals;
import io.ecokube.core.energy.LedgerCheckpoint;
import io.ecokube.kubernetes.ConfigMapState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the energy ledger's totals (actual and always-on energy, cost and CO2) in the cluster, so
 * that saved energy continues after a restart or a leader failover instead of starting from zero.
 * The leader restores them once when it starts and saves them at most once per reconcile period.
 */
public final class LedgerStore {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerStore.class);
  private static final String PREFIX = "ledger.";

  private final ConfigMapState state;
  private volatile boolean read;

  /** Totals kept in {@code state}. */
  public LedgerStore(ConfigMapState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /** The ConfigMap the totals are kept in, which other durable state shares. */
  public ConfigMapState state() {
    return state;
  }

  /**
   * Continues the stored totals in {@code ledger}, which must not have accounted anything yet.
   * Unreadable stored totals are reported and ignored: accounting starts afresh rather than not at
   * all.
   *
   * @return whether stored totals were continued
   */
  public boolean restore(EnergyLedger ledger) throws ActuatorException {
    Optional<Map<String, String>> stored = state.load();
    read = true;
    if (stored.isEmpty() || !stored.get().containsKey(PREFIX + "since")) {
      return false;
    }
    try {
      LedgerCheckpoint checkpoint = decode(stored.get());
      ledger.continueFrom(checkpoint);
      LOG.info(
          "energy totals continue from {}: {} kWh accounted, {} kWh always-on",
          checkpoint.since(),
          String.format(java.util.Locale.ROOT, "%.3f", checkpoint.actual().kwh()),
          String.format(java.util.Locale.ROOT, "%.3f", checkpoint.alwaysOn().kwh()));
      return true;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      LOG.error(
          "stored energy totals cannot be read ({}); accounting starts afresh", e.getMessage());
      return false;
    }
  }

  /**
   * Writes the ledger's cumulative totals now, over the data last read or written (no read per
   * save). Until {@link #restore} has read the stored totals nothing is written: this ledger's
   * count alone would overwrite the totals of every earlier run.
   *
   * @return whether the totals were written
   */
  public boolean save(EnergyLedger ledger) throws ActuatorException {
    return save(ledger, Map.of());
  }

  /**
   * As {@link #save(EnergyLedger)}, with {@code more} entries (other durable state, such as the
   * budget's spend) in the same write: one ConfigMap write per period.
   */
  public boolean save(EnergyLedger ledger, Map<String, String> more) throws ActuatorException {
    if (!read) {
      return false;
    }
    // Other stores write the same ConfigMap: read, merge and write as one step.
    synchronized (state) {
      Map<String, String> data = new LinkedHashMap<>(state.known());
      data.putAll(encode(ledger.checkpoint()));
      data.putAll(more);
      state.save(data);
    }
    return true;
  }

  static Map<String, String> encode(LedgerCheckpoint c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "since", c.since().toString());
    m.put(PREFIX + "at", c.at().toString());
    put(m, "actual", c.actual());
    put(m, "alwaysOn", c.alwaysOn());
    return m;
  }

  static LedgerCheckpoint decode(Map<String, String> m) {
    return new LedgerCheckpoint(
        Instant.parse(require(m, "since")),
        Instant.parse(require(m, "at")),
        totals(m, "actual"),
        totals(m, "alwaysOn"));
  }

  private static void put(Map<String, String> m, String what, EnergyTotals t) {
    m.put(PREFIX + what + ".joules", Double.toString(t.joules()));
    m.put(PREFIX + what + ".cost", Double.toString(t.cost()));
    m.put(PREFIX + what + ".gramsCo2", Double.toString(t.gramsCo2()));
  }

  private static EnergyTotals totals(Map<String, String> m, String what) {
    return new EnergyTotals(
        number(m, what + ".joules"), number(m, what + ".cost"), number(m, what + ".gramsCo2"));
  }

  private static double number(Map<String, String> m, String key) {
    String raw = require(m, key);
    try {
      double v = Double.parseDouble(raw);
      if (!Double.isFinite(v) || v < 0) {
        throw new IllegalArgumentException(PREFIX + key + " is '" + raw + "', not a number >= 0");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(PREFIX + key + " is '" + raw + "', not a number");
    }
  }

  private static String require(Map<String, String> m, String key) {
    String v = m.get(PREFIX + key);
    if (v == null) {
      throw new IllegalArgumentException(PREFIX + key + " is missing");
    }
    return v;
  }
}
