package io.ecokube.micrometer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A Prometheus text-format scrape, parsed into series and their values for assertions. */
final class Scrape {
  private final Map<String, Double> series = new LinkedHashMap<>();
  private final String text;

  Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  /** The value of one series, written exactly as the scrape writes it: name{labels sorted}. */
  double value(String s) {
    Double v = series.get(s);
    if (v == null) {
      throw new AssertionError("series " + s + " not in the scrape:\n" + text);
    }
    return v;
  }

  boolean has(String s) {
    return series.containsKey(s);
  }

  /** Every metric family name in the scrape (from its TYPE lines). */
  Set<String> families() {
    Set<String> names = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        names.add(line.split(" ")[2]);
      }
    }
    return names;
  }

  /** Every series name (without labels) in the scrape. */
  Set<String> seriesNames() {
    Set<String> names = new TreeSet<>();
    for (String s : series.keySet()) {
      int brace = s.indexOf('{');
      names.add(brace < 0 ? s : s.substring(0, brace));
    }
    return names;
  }

  @Override
  public String toString() {
    return text;
  }
}
