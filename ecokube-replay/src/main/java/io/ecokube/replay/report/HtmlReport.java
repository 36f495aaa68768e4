package io.ecokube.replay.report;

import io.ecokube.replay.sim.Comparison;
import io.ecokube.replay.sim.PolicyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The comparison as one self-contained HTML file: inline CSS and SVG charts, no script, no external
 * resource, so it opens offline and can be mailed around. The markup is well-formed XML
 * (XHTML-compatible) so it can also be checked and processed by machines.
 */
public final class HtmlReport {
  private static final String[] COLORS = {
    "#4d4d4d", "#d62728", "#ff7f0e", "#9467bd", "#2ca02c", "#1f77b4", "#17becf", "#8c564b"
  };
  private static final int W = 860;
  private static final int H = 260;
  private static final int LEFT = 60;
  private static final int RIGHT = 150;
  private static final int TOP = 28;
  private static final int BOTTOM = 36;

  private HtmlReport() {}

  /** Renders the report. */
  public static String render(Comparison c) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    b.append("<title>Eco-Kube replay: ").append(esc(c.source())).append("</title>\n");
    b.append("<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}\n")
        .append("table{border-collapse:collapse;font-size:0.9em}\n")
        .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}\n")
        .append("th:first-child,td:first-child{text-align:left}\n")
        .append("th{background:#f3f3f3}\n")
        .append("svg{display:block;margin:1em 0}\n")
        .append("svg text{font-size:11px;fill:#333}\n")
        .append(".note{color:#8a4b00}\n")
        .append("</style>\n</head>\n<body>\n");
    b.append("<h1>Eco-Kube trace replay</h1>\n");
    b.append("<p>Trace: ").append(esc(c.source())).append("<br/>\n");
    b.append("Cluster: ").append(esc(c.cluster().describe())).append("<br/>\n");
    b.append(
        esc(
            String.format(
                Locale.ROOT,
                "%d jobs (%d pods) over %s",
                c.jobs(),
                c.pods(),
                TextTable.duration(c.horizon().toSeconds()))));
    b.append("</p>\n");
    for (String n : c.notes()) {
      b.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
    }
    table(b, c);
    List<PolicyResult> rs = c.results();
    double stepHours = rs.isEmpty() ? 1 : rs.get(0).series().step().toSeconds() / 3600.0;
    b.append("<h2>Power over time</h2>\n");
    b.append(lines("kW at the servers", rs, r -> scale(r.series().watts(), 1e-3), stepHours));
    b.append("<h2>Nodes on</h2>\n");
    b.append(lines("nodes not off", rs, r -> r.series().nodesOn(), stepHours));
    b.append("<h2>Backlog</h2>\n");
    b.append(lines("job pods waiting", rs, r -> r.series().backlog(), stepHours));
    b.append("<h2>Job wait distribution</h2>\n");
    b.append(waits(rs));
    b.append("<h2>Savings against always-on</h2>\n");
    b.append(savings(c));
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static void table(StringBuilder b, Comparison c) {
    b.append("<table>\n<tr><th>policy</th><th>kWh</th><th>% always-on</th><th>% bound</th>")
        .append("<th>wait p50</th><th>wait p95</th><th>wait p99</th><th>delayed by boot</th>")
        .append("<th>cycles/node max</th><th>mean</th><th>cost</th><th>kg CO2</th></tr>\n");
    for (Row r : Row.of(c)) {
      b.append("<tr><td>")
          .append(esc(r.name()))
          .append("</td><td>")
          .append(TextTable.fourDigits(r.kWh()))
          .append("</td><td>")
          .append(TextTable.pct(r.pctAlwaysOn()))
          .append("</td><td>")
          .append(TextTable.pct(r.pctBound()))
          .append("</td><td>")
          .append(TextTable.duration(r.p50()))
          .append("</td><td>")
          .append(TextTable.duration(r.p95()))
          .append("</td><td>")
          .append(TextTable.duration(r.p99()))
          .append("</td><td>")
          .append(r.delayedByBoot())
          .append("</td><td>")
          .append(r.cyclesMax())
          .append("</td><td>")
          .append(f("%.1f", r.cyclesMean()))
          .append("</td><td>")
          .append(f("%.2f ", r.cost()))
          .append(esc(c.cluster().tariff().currency()))
          .append("</td><td>")
          .append(TextTable.fourDigits(r.kgCo2()))
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static double[] scale(double[] v, double k) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * k;
    }
    return out;
  }

  /** One line per policy over time, x in hours. */
  private static String lines(
      String yLabel, List<PolicyResult> rs, Function<PolicyResult, double[]> values, double step) {
    List<double[]> ys = new ArrayList<>();
    double yMax = 0;
    int n = 0;
    for (PolicyResult r : rs) {
      double[] y = values.apply(r);
      ys.add(y);
      n = Math.max(n, y.length);
      for (double v : y) {
        yMax = Math.max(yMax, v);
      }
    }
    double xMax = Math.max(step, n * step);
    return chart(yLabel, "hours", xMax, niceMax(yMax), rs, ys, i -> (i + 0.5) * step, false);
  }

  /** Wait against percentile of jobs, one line per policy. */
  private static String waits(List<PolicyResult> rs) {
    List<double[]> ys = new ArrayList<>();
    double yMax = 0;
    for (PolicyResult r : rs) {
      double[] y = new double[101];
      for (int p = 0; p <= 100; p++) {
        y[p] = r.waitPercentile(Math.max(0.001, p)) / 60.0;
        yMax = Math.max(yMax, y[p]);
      }
      ys.add(y);
    }
    return chart("wait (minutes)", "percentile of jobs", 100, niceMax(yMax), rs, ys, i -> i, true);
  }

  private static String chart(
      String yLabel,
      String xLabel,
      double xMax,
      double yMax,
      List<PolicyResult> rs,
      List<double[]> ys,
      java.util.function.IntToDoubleFunction x,
      boolean steps) {
    int pw = W - LEFT - RIGHT;
    int ph = H - TOP - BOTTOM;
    StringBuilder s = new StringBuilder();
    s.append(f("<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H, W, H));
    s.append(
        f(
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\""
                + " stroke=\"#999\"/>\n",
            LEFT, TOP, pw, ph));
    for (int k = 0; k <= 4; k++) {
      double yv = yMax * k / 4;
      double py = TOP + ph - ph * k / 4.0;
      s.append(
          f(
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n",
              LEFT, py, LEFT + pw, py));
      s.append(
          f(
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
              LEFT - 4, py + 4, tick(yv)));
      double xv = xMax * k / 4;
      double px = LEFT + pw * k / 4.0;
      s.append(
          f(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
              px, TOP + ph + 14, tick(xv)));
    }
    s.append(
        f(
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
            LEFT + pw / 2, H - 4, esc(xLabel)));
    s.append(f("<text x=\"%d\" y=\"%d\">%s</text>\n", LEFT, TOP - 10, esc(yLabel)));
    for (int i = 0; i < rs.size(); i++) {
      double[] y = ys.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder pts = new StringBuilder();
      double prevY = Double.NaN;
      for (int k = 0; k < y.length; k++) {
        double px = LEFT + pw * Math.min(1, x.applyAsDouble(k) / xMax);
        double py = TOP + ph - (yMax <= 0 ? 0 : ph * Math.min(1, y[k] / yMax));
        if (steps && !Double.isNaN(prevY)) {
          pts.append(f("%.1f,%.1f ", px, prevY));
        }
        pts.append(f("%.1f,%.1f ", px, py));
        prevY = py;
      }
      s.append(
          f(
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n",
              color, pts.toString().trim()));
      int ly = TOP + 12 + i * 16;
      s.append(
          f(
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>\n",
              LEFT + pw + 10, ly - 4, LEFT + pw + 26, ly - 4, color));
      s.append(
          f("<text x=\"%d\" y=\"%d\">%s</text>\n", LEFT + pw + 30, ly, esc(rs.get(i).title())));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String savings(Comparison c) {
    List<Row> rows = Row.of(c);
    int barH = 22;
    int h = TOP + rows.size() * (barH + 6) + 10;
    int pw = W - 220 - 80;
    StringBuilder s = new StringBuilder();
    s.append(f("<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, h, W, h));
    s.append(f("<text x=\"220\" y=\"%d\">energy saved, %% of always-on</text>\n", TOP - 10));
    // A policy that uses more than always-on saved a negative amount: the axis reaches below
    // zero so its bar points left instead of reading 0 %.
    double lowest = 0;
    for (Row r : rows) {
      if (!Double.isNaN(r.pctAlwaysOn())) {
        lowest = Math.min(lowest, 100 - r.pctAlwaysOn());
      }
    }
    double lo = lowest < 0 ? -niceMax(-lowest) : 0;
    double scale = pw / (100 - lo);
    double zero = 220 + -lo * scale;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double saved = Double.isNaN(r.pctAlwaysOn()) ? 0 : 100 - r.pctAlwaysOn();
      int y = TOP + i * (barH + 6);
      s.append(
          f(
              "<text x=\"214\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
              y + barH - 7, esc(r.name())));
      double x = saved >= 0 ? zero : zero + saved * scale;
      s.append(
          f(
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
              x, y, Math.abs(saved) * scale, barH, COLORS[i % COLORS.length]));
      // Labels go right of the bar's far end, or right of zero for a negative bar (the names
      // are left of the axis).
      s.append(
          f(
              "<text x=\"%.1f\" y=\"%d\">%.1f%%</text>\n",
              zero + Math.max(0, saved) * scale + 6, y + barH - 7, saved));
    }
    if (lo < 0) {
      s.append(
          f(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n",
              zero, TOP - 4, zero, h - 6));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static double niceMax(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String tick(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return Long.toString((long) v);
    }
    return f("%.2f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
