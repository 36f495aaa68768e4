package io.ecokube.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The health and metrics endpoints on loopback, with real sockets. */
@Timeout(60)
class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer s, String path, Optional<String> token)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .timeout(Duration.ofSeconds(5));
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t));
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void slowClientsDoNotBlockTheLivenessProbe() throws Exception {
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0).metrics(() -> "up 1\n").build()) {
      s.start();
      List<Socket> slow = new ArrayList<>();
      try {
        // Clients that send half a request line and then nothing.
        for (int i = 0; i < 3; i++) {
          Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port());
          OutputStream o = c.getOutputStream();
          o.write("GET /metr".getBytes(StandardCharsets.US_ASCII));
          o.flush();
          slow.add(c);
        }
        HttpResponse<String> r = get(s, "/healthz", Optional.empty());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
      } finally {
        for (Socket c : slow) {
          c.close();
        }
      }
    }
  }

  @Test
  void readinessAnswers503WithTheReasonUntilItClears() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Optional<String>> why =
        new java.util.concurrent.atomic.AtomicReference<>(
            Optional.of("scale events not read: dead-letter topic 'x.dlt' does not exist"));
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0).readiness(why::get).build()) {
      s.start();
      HttpResponse<String> down = get(s, "/readyz", Optional.empty());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("dead-letter topic 'x.dlt' does not exist");
      assertThat(get(s, "/healthz", Optional.empty()).statusCode()).isEqualTo(200);
      why.set(Optional.empty());
      HttpResponse<String> up = get(s, "/readyz", Optional.empty());
      assertThat(up.statusCode()).isEqualTo(200);
      assertThat(up.body()).isEqualTo("ready\n");
    }
  }

  @Test
  void metricsNeedTheBearerTokenWhenOneIsSetProbesDoNot() throws Exception {
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0)
            .metrics(() -> "ecokube_leader 1\n")
            .metricsToken("s3cret-token")
            .build()) {
      s.start();
      assertThat(get(s, "/metrics", Optional.empty()).statusCode()).isEqualTo(401);
      HttpResponse<String> wrong = get(s, "/metrics", Optional.of("guess"));
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain("s3cret");
      HttpResponse<String> ok = get(s, "/metrics", Optional.of("s3cret-token"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("ecokube_leader 1");
      assertThat(get(s, "/healthz", Optional.empty()).statusCode()).isEqualTo(200);
      assertThat(get(s, "/readyz", Optional.empty()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void readinessFollowsTheCaches() throws Exception {
    boolean[] synced = {false};
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0).ready(() -> synced[0]).build()) {
      s.start();
      assertThat(get(s, "/readyz", Optional.empty()).statusCode()).isEqualTo(503);
      synced[0] = true;
      assertThat(get(s, "/readyz", Optional.empty()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aSilentClientIsDisconnectedAfterTheIdleTimeout() throws Exception {
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0)
            .idleTimeout(Duration.ofMillis(500))
            .build()) {
      s.start();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
        c.getOutputStream().write("GET /heal".getBytes(StandardCharsets.US_ASCII));
        c.getOutputStream().flush();
        // The server closes the connection (or answers 408 and closes): read ends within the bound.
        c.setSoTimeout(20_000);
        byte[] rest = c.getInputStream().readAllBytes();
        assertThat(new String(rest, StandardCharsets.US_ASCII)).doesNotContain("200 OK");
      }
      assertThat(get(s, "/healthz", Optional.empty()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void theApiIsServedBesideTheProbesAndRefusesLargeBodies() throws Exception {
    io.ecokube.controller.api.EcoKubeApi api =
        io.ecokube.controller.api.EcoKubeApi.builder(
                io.ecokube.api.time.Clock.system(),
                io.ecokube.core.energy.FlatTariff.typicalEurope())
            .token("t".getBytes(StandardCharsets.UTF_8))
            .build();
    try (HealthServer s =
        HealthServer.builder(InetAddress.getLoopbackAddress(), 0).api(api).build()) {
      s.start();
      HttpResponse<String> big =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + s.port() + "/api/v1/calibrate"))
                  .header("Authorization", "Bearer t")
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          new byte[HealthServer.MAX_BODY_BYTES + 10]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(413);
      assertThat(big.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(get(s, "/", Optional.empty()).body()).contains("<title>Eco-Kube</title>");
      assertThat(get(s, "/healthz", Optional.empty()).statusCode()).isEqualTo(200);
    }
  }
}
