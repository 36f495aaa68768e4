package io.ecokube.config;

import java.math.BigDecimal;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes-style resource quantities: CPU as cores or millicores ({@code 8}, {@code 1.5}, {@code
 * 500m}) and memory as bytes with decimal ({@code k, M, G, T, P, E}) or binary ({@code Ki, Mi, Gi,
 * Ti, Pi, Ei}) suffixes.
 */
public final class Quantities {
  private static final Pattern NUMBER_SUFFIX = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([a-zA-Z]*)");
  private static final Map<String, BigDecimal> MEMORY_SUFFIXES =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("k", BigDecimal.valueOf(1000L)),
          Map.entry("M", BigDecimal.valueOf(1000L * 1000)),
          Map.entry("G", BigDecimal.valueOf(1000L * 1000 * 1000)),
          Map.entry("T", BigDecimal.valueOf(1000L * 1000 * 1000 * 1000)),
          Map.entry("P", BigDecimal.valueOf(1000L * 1000 * 1000 * 1000 * 1000)),
          Map.entry("E", BigDecimal.valueOf(1000L * 1000 * 1000 * 1000 * 1000 * 1000)),
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
          Map.entry("Ei", BigDecimal.valueOf(1L << 60)));
  private static final String[] BINARY = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};

  private Quantities() {}

  /** CPU in millicores, empty when the text is not a whole number of millicores. */
  public static OptionalLong cpuMillis(String text) {
    Matcher m = NUMBER_SUFFIX.matcher(text.trim());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    BigDecimal n = new BigDecimal(m.group(1));
    BigDecimal millis;
    switch (m.group(2)) {
      case "" -> millis = n.multiply(BigDecimal.valueOf(1000));
      case "m" -> millis = n;
      default -> {
        return OptionalLong.empty();
      }
    }
    return exactLong(millis);
  }

  /** Memory in bytes, empty when the text is not a whole number of bytes. */
  public static OptionalLong bytes(String text) {
    Matcher m = NUMBER_SUFFIX.matcher(text.trim());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    BigDecimal factor = MEMORY_SUFFIXES.get(m.group(2));
    if (factor == null) {
      return OptionalLong.empty();
    }
    return exactLong(new BigDecimal(m.group(1)).multiply(factor));
  }

  private static OptionalLong exactLong(BigDecimal v) {
    try {
      return OptionalLong.of(v.stripTrailingZeros().longValueExact());
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /** CPU as written in config: whole cores ({@code 8}) or millicores ({@code 500m}). */
  public static String formatCpu(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : millis + "m";
  }

  /** Memory as written in config: the largest exact binary unit, or plain bytes. */
  public static String formatBytes(long bytes) {
    for (String s : BINARY) {
      long f = MEMORY_SUFFIXES.get(s).longValueExact();
      if (bytes != 0 && bytes % f == 0) {
        return bytes / f + s;
      }
    }
    return Long.toString(bytes);
  }

  /** For messages: the accepted CPU forms. */
  static String cpuHint() {
    return "use e.g. 8, 1.5 or 500m";
  }

  /** For messages: the accepted memory forms. */
  static String memoryHint() {
    return "use e.g. 512Mi, 32Gi, 1G or 1073741824";
  }
}
