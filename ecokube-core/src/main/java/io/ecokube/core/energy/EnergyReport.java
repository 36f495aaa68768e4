package io.ecokube.core.energy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The ledger's account from its start to an instant: per node and in total, beside the always-on
 * counterfactual.
 *
 * @param from when accounting started
 * @param to the instant accounted up to
 * @param currency the tariff's currency
 * @param actual what the cluster drew
 * @param alwaysOn what it would have drawn with every node on through the same demand
 * @param nodes per-node accounts, in registration order
 */
public record EnergyReport(
    Instant from,
    Instant to,
    String currency,
    EnergyTotals actual,
    EnergyTotals alwaysOn,
    List<NodeEnergy> nodes) {
  /** Validates and copies. */
  public EnergyReport {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(alwaysOn, "alwaysOn");
    nodes = List.copyOf(nodes);
  }

  /** What was saved against always-on. */
  public EnergyTotals saved() {
    return alwaysOn.minus(actual);
  }

  /** The saved share of always-on energy, in [0, 1] (0 when nothing was accounted). */
  public double savedFraction() {
    return alwaysOn.joules() <= 0 ? 0 : saved().joules() / alwaysOn.joules();
  }

  /** A few lines for people: energy, cost and CO2, actual vs always-on. */
  public String summary() {
    Duration d = Duration.between(from, to);
    return String.format(
        Locale.ROOT,
        "period %s%n"
            + "%-10s %12s %12s %12s%n"
            + "%-10s %12.2f %12.2f %12.2f%n"
            + "%-10s %12.4f %12.4f %12.4f%n"
            + "%-10s %12.1f %12.1f %12.1f%n"
            + "saved %.1f %% of the always-on energy",
        d,
        "",
        "eco-kube",
        "always-on",
        "saved",
        "Wh",
        actual.joules() / 3600,
        alwaysOn.joules() / 3600,
        saved().joules() / 3600,
        currency,
        actual.cost(),
        alwaysOn.cost(),
        saved().cost(),
        "gCO2",
        actual.gramsCo2(),
        alwaysOn.gramsCo2(),
        saved().gramsCo2(),
        savedFraction() * 100);
  }
}
