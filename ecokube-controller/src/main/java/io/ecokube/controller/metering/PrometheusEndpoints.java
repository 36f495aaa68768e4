package io.ecokube.controller.metering;

import io.ecokube.api.secret.SecretResolver;
import io.ecokube.config.PrometheusEndpoint;
import io.ecokube.prometheus.client.PrometheusClientConfig;

/**
 * Turns the config's Prometheus endpoint ({@code meters.kepler}) into a client config, resolving
 * its secret references. Anything else in the controller that talks to the same Prometheus uses
 * this too, so authentication and TLS are set up one way.
 */
public final class PrometheusEndpoints {
  private PrometheusEndpoints() {}

  /**
   * The client config of an endpoint.
   *
   * @throws IllegalArgumentException when a secret cannot be resolved (the message names the
   *     reference, never the value) or the settings contradict each other
   */
  public static PrometheusClientConfig clientConfig(
      PrometheusEndpoint endpoint, SecretResolver secrets) {
    PrometheusClientConfig.Builder b =
        PrometheusClientConfig.builder(endpoint.url()).timeout(endpoint.timeout());
    endpoint.bearerToken().ifPresent(t -> b.bearerToken(secrets.resolve(t)));
    if (endpoint.username().isPresent()) {
      b.basicAuth(endpoint.username().get(), secrets.resolve(endpoint.password().orElseThrow()));
    }
    endpoint
        .trustStore()
        .ifPresent(p -> b.trustStore(p, endpoint.trustStorePassword().map(secrets::resolve)));
    if (endpoint.insecureSkipTlsVerify()) {
      b.insecureSkipTlsVerify();
    }
    return b.build();
  }
}
