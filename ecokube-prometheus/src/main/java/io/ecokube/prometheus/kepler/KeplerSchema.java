package io.ecokube.prometheus.kepler;

/** Which generation of Kepler's metrics a cluster exports. */
public enum KeplerSchema {
  /**
   * Kepler before 0.10: counters {@code kepler_node_platform_joules_total}, {@code
   * kepler_node_package_joules_total}, {@code kepler_node_dram_joules_total} (with a {@code mode}
   * label, dynamic and idle, which are summed). Watts are their rate.
   */
  LEGACY,
  /**
   * Kepler 0.10 and later: {@code kepler_node_cpu_watts} and {@code kepler_node_cpu_joules_total}
   * with {@code zone} and {@code path} labels. Zones overlap (core and uncore lie inside package;
   * psys covers the package and more), so they are never summed blindly: see {@link
   * KeplerPowerMeter}.
   */
  V0_10,
  /** Ask Prometheus which of the two it has, once, and again whenever a read finds nothing. */
  AUTO
}
