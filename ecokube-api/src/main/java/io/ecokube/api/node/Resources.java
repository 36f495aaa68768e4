package io.ecokube.api.node;

/**
 * An amount of schedulable resources: what a node offers or a pod requests.
 *
 * @param cpuMillis CPU in thousandths of a core
 * @param memoryBytes memory in bytes
 * @param gpus whole GPUs
 * @param pods pod slots (a pod request uses 1)
 */
public record Resources(long cpuMillis, long memoryBytes, int gpus, int pods) {
  /** Nothing. */
  public static final Resources ZERO = new Resources(0, 0, 0, 0);

  /** Rejects negative amounts. */
  public Resources {
    if (cpuMillis < 0 || memoryBytes < 0 || gpus < 0 || pods < 0) {
      throw new IllegalArgumentException(
          "resources must not be negative: cpuMillis="
              + cpuMillis
              + ", memoryBytes="
              + memoryBytes
              + ", gpus="
              + gpus
              + ", pods="
              + pods);
    }
  }

  /** A pod's request: the given CPU, memory and GPUs, and one pod slot. */
  public static Resources request(long cpuMillis, long memoryBytes, int gpus) {
    return new Resources(cpuMillis, memoryBytes, gpus, 1);
  }

  /** The sum. */
  public Resources plus(Resources o) {
    return new Resources(
        cpuMillis + o.cpuMillis, memoryBytes + o.memoryBytes, gpus + o.gpus, pods + o.pods);
  }

  /** The difference, floored at zero per dimension. */
  public Resources minusFloored(Resources o) {
    return new Resources(
        Math.max(0, cpuMillis - o.cpuMillis),
        Math.max(0, memoryBytes - o.memoryBytes),
        Math.max(0, gpus - o.gpus),
        Math.max(0, pods - o.pods));
  }

  /** Whether this amount fits within {@code capacity} in every dimension. */
  public boolean fitsIn(Resources capacity) {
    return cpuMillis <= capacity.cpuMillis
        && memoryBytes <= capacity.memoryBytes
        && gpus <= capacity.gpus
        && pods <= capacity.pods;
  }

  /** This amount times {@code n}. */
  public Resources times(int n) {
    return new Resources(cpuMillis * n, memoryBytes * n, gpus * n, pods * n);
  }
}
