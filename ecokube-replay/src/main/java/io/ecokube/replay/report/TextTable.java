package io.ecokube.replay.report;

import io.ecokube.replay.sim.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The comparison as a plain-text table for the terminal. */
public final class TextTable {
  private static final String[] HEAD = {
    "policy",
    "kWh",
    "% always-on",
    "% bound",
    "wait p50",
    "wait p95",
    "wait p99",
    "delayed by boot",
    "cycles/node max",
    "mean",
    "cost",
    "kg CO2"
  };

  private TextTable() {}

  /** Renders the table, with a header line on the cluster and trace and the notes below. */
  public static String render(Comparison c) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEAD);
    String currency = c.cluster().tariff().currency();
    for (Row r : Row.of(c)) {
      rows.add(
          new String[] {
            r.name(),
            fourDigits(r.kWh()),
            pct(r.pctAlwaysOn()),
            pct(r.pctBound()),
            duration(r.p50()),
            duration(r.p95()),
            duration(r.p99()),
            r.delayedByBoot()
                + f(" (%.1f%%)", r.jobs() == 0 ? 0 : 100.0 * r.delayedByBoot() / r.jobs()),
            Integer.toString(r.cyclesMax()),
            f("%.1f", r.cyclesMean()),
            f("%.2f ", r.cost()) + currency,
            fourDigits(r.kgCo2())
          });
    }
    int[] width = new int[HEAD.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("trace: ").append(c.source()).append('\n');
    b.append("cluster: ").append(c.cluster().describe()).append('\n');
    b.append(
        f(
            "replayed %d jobs (%d pods) over %s%n%n",
            c.jobs(), c.pods(), duration(c.horizon().toMillis() / 1000.0)));
    for (int k = 0; k < rows.size(); k++) {
      String[] row = rows.get(k);
      for (int i = 0; i < row.length; i++) {
        if (i == 0) {
          b.append(String.format(Locale.ROOT, "%-" + width[i] + "s", row[i]));
        } else {
          b.append("  ").append(String.format(Locale.ROOT, "%" + width[i] + "s", row[i]));
        }
      }
      b.append('\n');
      if (k == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        b.append("-".repeat(total - 2)).append('\n');
      }
    }
    for (String n : c.notes()) {
      b.append("note: ").append(n).append('\n');
    }
    return b.toString();
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "-" : f("%.1f%%", v);
  }

  /** Seconds for people: {@code 0s}, {@code 42s}, {@code 3m05s}, {@code 2h03m}, {@code 3d04h}. */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return f("%dm%02ds", s / 60, s % 60);
    }
    if (s < 86400) {
      return f("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return f("%dd%02dh", s / 86400, (s % 86400) / 3600);
  }

  /**
   * At least four significant digits (one decimal at least), so policies a few percent apart on a
   * small trace do not all read "0.8".
   */
  public static String fourDigits(double v) {
    int decimals =
        v > 0 && Double.isFinite(v) ? Math.max(1, 3 - (int) Math.floor(Math.log10(v))) : 1;
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
