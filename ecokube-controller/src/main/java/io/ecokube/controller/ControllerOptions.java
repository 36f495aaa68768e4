package io.ecokube.controller;

import java.nio.file.Path;
import java.time.Duration;
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
    Optional<Path> metricsTokenFile) {

  /** Validates. */
  public ControllerOptions {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(metricsTokenFile, "metricsTokenFile");
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("--http-port must be 0..65535, got " + httpPort);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--interval must be positive");
    }
  }
}
