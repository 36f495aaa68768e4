package io.ecokube.api.cluster;

import java.util.OptionalInt;

/**
 * Sets the replica count of a workload (a Deployment's scale subresource, a pool of bare-metal
 * consumers). The workload scaler in core decides how many; this carries it out.
 */
public interface WorkloadScaler {

  /** Sets the desired replicas. */
  void scale(WorkloadRef workload, int replicas) throws ActuatorException;

  /** The replicas currently desired by the workload, empty when it does not exist. */
  OptionalInt replicas(WorkloadRef workload) throws ActuatorException;
}
