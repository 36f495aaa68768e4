/**
 * Workload scaling from a backlog with the semantics of KEDA's Kafka scaler and the HPA: {@link
 * io.ecokube.core.workload.LagScalingPolicy} (settings and their defaults), {@link
 * io.ecokube.core.workload.BacklogAutoscaler} (the pure decision on a {@link
 * io.ecokube.api.time.Clock}) and {@link io.ecokube.core.workload.WorkloadDemandStage} (readings
 * in, the engine's {@link io.ecokube.api.demand.Demand} out, replica counts through a {@link
 * io.ecokube.api.cluster.WorkloadScaler}); and {@link io.ecokube.core.workload.ScaleEventDemand},
 * which sizes workloads from explicit scale events. Nothing here depends on Kafka: any {@link
 * io.ecokube.api.demand.BacklogSource} or event stream feeds it.
 */
package io.ecokube.core.workload;
