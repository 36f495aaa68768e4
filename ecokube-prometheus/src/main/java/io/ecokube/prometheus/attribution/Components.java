package io.ecokube.prometheus.attribution;

/**
 * A figure split by the hardware that drew it, as Kepler splits it. In watts for power, in joules
 * for energy; the {@link Attribution} holding it says which.
 *
 * @param cpu the CPU package (or, where Kepler has a platform zone, everything it covers)
 * @param dram memory
 * @param gpu accelerators
 * @param other the rest Kepler attributes (and, for a legacy Kepler that exports only its total
 *     counter, the whole figure)
 */
public record Components(double cpu, double dram, double gpu, double other) {
  /** Nothing. */
  public static final Components ZERO = new Components(0, 0, 0, 0);

  /** Validates: every part a finite number of 0 or more. */
  public Components {
    check("cpu", cpu);
    check("dram", dram);
    check("gpu", gpu);
    check("other", other);
  }

  private static void check(String name, double v) {
    if (!Double.isFinite(v) || v < 0) {
      throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + v);
    }
  }

  /** All parts added. */
  public double total() {
    return cpu + dram + gpu + other;
  }

  /** Part by part sum. */
  public Components plus(Components o) {
    return new Components(cpu + o.cpu, dram + o.dram, gpu + o.gpu, other + o.other);
  }
}
