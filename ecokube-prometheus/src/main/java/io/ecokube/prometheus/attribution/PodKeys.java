package io.ecokube.prometheus.attribution;

import io.ecokube.api.cluster.WorkloadRef;
import java.util.Comparator;

/** Orders for stable output: namespace, then name. */
final class PodKeys {
  static final Comparator<PodKey> ORDER =
      Comparator.comparing(PodKey::namespace).thenComparing(PodKey::name);
  static final Comparator<WorkloadRef> WORKLOAD_ORDER =
      Comparator.comparing(WorkloadRef::namespace)
          .thenComparing(WorkloadRef::kind)
          .thenComparing(WorkloadRef::name);
  static final Comparator<ContainerKey> CONTAINER_ORDER =
      Comparator.comparing(ContainerKey::namespace)
          .thenComparing(ContainerKey::pod)
          .thenComparing(ContainerKey::container)
          .thenComparing(ContainerKey::node);

  private PodKeys() {}
}
