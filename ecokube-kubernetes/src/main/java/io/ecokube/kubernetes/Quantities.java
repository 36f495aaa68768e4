package io.ecokube.kubernetes;

import io.ecokube.api.node.Resources;
import io.kubernetes.client.custom.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** Turns Kubernetes resource lists into {@link Resources}. */
final class Quantities {
  private Quantities() {}

  /** The extended resource names counted as GPUs. */
  static final String[] GPU_RESOURCES = {"nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915"};

  /** A resource list as {@link Resources} with the given pod slots. */
  static Resources of(Map<String, Quantity> list, int podSlots) {
    if (list == null) {
      return new Resources(0, 0, 0, podSlots);
    }
    long cpu = millis(list.get("cpu"));
    long mem = whole(list.get("memory"));
    long gpus = 0;
    for (String g : GPU_RESOURCES) {
      gpus += whole(list.get(g));
    }
    return new Resources(cpu, mem, (int) Math.min(Integer.MAX_VALUE, gpus), podSlots);
  }

  /** A node's allocatable, including its pod slots. */
  static Resources allocatable(Map<String, Quantity> list) {
    int pods = list == null ? 0 : (int) Math.min(Integer.MAX_VALUE, whole(list.get("pods")));
    return of(list, pods);
  }

  static long millis(Quantity q) {
    if (q == null) {
      return 0;
    }
    return q.getNumber()
        .multiply(BigDecimal.valueOf(1000))
        .setScale(0, RoundingMode.CEILING)
        .longValueExact();
  }

  static long whole(Quantity q) {
    if (q == null) {
      return 0;
    }
    return q.getNumber().setScale(0, RoundingMode.CEILING).longValueExact();
  }
}
