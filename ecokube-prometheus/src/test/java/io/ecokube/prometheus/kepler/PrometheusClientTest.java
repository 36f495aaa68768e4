package io.ecokube.prometheus.kepler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.time.Clock;
import io.ecokube.prometheus.client.PrometheusClient;
import io.ecokube.prometheus.client.PrometheusClientConfig;
import io.ecokube.prometheus.client.PrometheusException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Failures that need no Prometheus: nothing listening, something else listening, bad config. */
class PrometheusClientTest {

  @Test
  void nothingListeningIsUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PrometheusClient client =
        new PrometheusClient(
            PrometheusClientConfig.builder(URI.create("http://127.0.0.1:" + port))
                .timeout(Duration.ofSeconds(2))
                .build());
    KeplerPowerMeter meter =
        new KeplerPowerMeter(client, KeplerMeterConfig.builder().build(), Clock.system());
    assertThatThrownBy(() -> meter.read("n1"))
        .isInstanceOf(PowerException.class)
        .satisfies(
            e -> assertThat(((PowerException) e).kind()).isEqualTo(PowerException.Kind.UNREACHABLE))
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void aServerThatIsNotPrometheusIsAProtocolError() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          byte[] b = "<html>login</html>".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
          }
        });
    server.start();
    try {
      PrometheusClient client =
          new PrometheusClient(
              PrometheusClientConfig.builder(
                      URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                  .build());
      assertThatThrownBy(() -> client.query("up"))
          .isInstanceOf(PrometheusException.class)
          .satisfies(
              e ->
                  assertThat(((PrometheusException) e).kind())
                      .isEqualTo(PrometheusException.Kind.PROTOCOL))
          .hasMessageContaining("is this URL a Prometheus server?");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void configRejectsContradictionsAndInlineCredentials() {
    assertThatThrownBy(() -> PrometheusClientConfig.builder(URI.create("ftp://x")).build())
        .hasMessageContaining("must start with http:// or https://");
    assertThatThrownBy(
            () -> PrometheusClientConfig.builder(URI.create("https://u:p@prom:9090")).build())
        .hasMessageContaining("must not carry credentials")
        .hasMessageNotContaining("u:p");
    assertThatThrownBy(
            () ->
                PrometheusClientConfig.builder(URI.create("https://prom"))
                    .insecureSkipTlsVerify()
                    .trustStore(java.nio.file.Path.of("/tmp/ca.pem"), java.util.Optional.empty())
                    .build())
        .hasMessageContaining("contradict");
    assertThatThrownBy(() -> KeplerMeterConfig.builder().nodeLabel("node-name").build())
        .hasMessageContaining("not a Prometheus label name");
  }
}
