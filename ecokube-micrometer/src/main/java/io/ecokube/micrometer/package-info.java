/**
 * Eco-Kube's metrics through Micrometer: {@link io.ecokube.micrometer.EcoKubeMetrics} listens to
 * the engine and reads the energy ledger. Micrometer is an optional dependency of ecokube-core: add
 * {@code io.micrometer:micrometer-core} (and a registry) to use this package.
 */
package io.ecokube.micrometer;
