package io.ecokube.controller;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller runs with, as {@code ecokube-controller run} parses it ({@link
 * EcoKubeCommand}).
 *
 * @param config the Eco-Kube config file (nodes, policy)
 * @param kubeconfig a kubeconfig file; empty: in-cluster when running in a pod, else the default
 *     kubeconfig
 * @param namespace where the Lease and the controller's own Events live
 * @param identity this replica's identity in the Lease (the pod name)
 * @param httpPort port of the health and metrics endpoints (0: any free port)
 * @param interval the reconcile period
 * @param dryRun log plans, touch nothing (no Lease, no patches, no power actions)
 * @param taskEventsBootstrap Kafka bootstrap servers of the task-event topic; empty: no task pods
 * @param taskEventsTopic the topic scale events for task pods arrive on
 * @param taskNamespace where task worker pods and their PodTemplates live
 * @param taskTemplates workload name in scale events -> PodTemplate name in the namespace
 * @param metricsTokenFile a file holding the bearer token {@code /metrics} requires; empty: open
 */
public record ControllerOptions(
    Path config,
    Optional<Path> kubeconfig,
    String namespace,
    String identity,
    int httpPort,
    Duration interval,
    boolean dryRun,
    Optional<String> taskEventsBootstrap,
    String taskEventsTopic,
    String taskNamespace,
    Map<String, String> taskTemplates,
    Optional<Path> metricsTokenFile) {

  /** Validates. */
  public ControllerOptions {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(taskEventsBootstrap, "taskEventsBootstrap");
    Objects.requireNonNull(taskEventsTopic, "taskEventsTopic");
    Objects.requireNonNull(taskNamespace, "taskNamespace");
    taskTemplates = Map.copyOf(taskTemplates);
    Objects.requireNonNull(metricsTokenFile, "metricsTokenFile");
    if (taskEventsBootstrap.isPresent() && taskTemplates.isEmpty()) {
      throw new IllegalArgumentException(
          "--task-events needs at least one --task-template WORKLOAD=PODTEMPLATE");
    }
    if (taskEventsBootstrap.isEmpty() && !taskTemplates.isEmpty()) {
      throw new IllegalArgumentException("--task-template needs --task-events BOOTSTRAP_SERVERS");
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("--http-port must be 0..65535, got " + httpPort);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--interval must be positive");
    }
  }
}
