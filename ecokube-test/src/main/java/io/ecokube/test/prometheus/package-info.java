/**
 * Kepler as Prometheus sees it, for tests of power meters and of the controller's metering: a
 * {@link io.ecokube.test.prometheus.KeplerExporter} serves Kepler-format metrics on loopback and a
 * {@link io.ecokube.test.prometheus.PrometheusServer} runs Debian's Prometheus scraping it.
 */
package io.ecokube.test.prometheus;
