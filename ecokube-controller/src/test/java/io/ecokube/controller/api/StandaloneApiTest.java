package io.ecokube.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.secret.SecretResolver;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.core.driver.DriverRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API on its own, from a config whose nodes have no power drivers, as the seed ran. */
class StandaloneApiTest {
  @TempDir Path dir;

  @Test
  void servesFromAConfigWithoutDriversBehindItsToken() throws Exception {
    Path token = dir.resolve("api-token");
    Files.writeString(token, "standalone-token\n");
    Path file = dir.resolve("ecokube.yaml");
    Files.writeString(
        file,
        """
        accounting: {pricePerKwh: 0.3, carbonPricePerKg: 0.1}
        api: {token: "file:%s"}
        nodes:
          - name: worker-1
            allocatable: {cpu: "8", memory: 32Gi}
            power: {idleWatts: 100, maxWatts: 300}
        """
            .formatted(token));
    EcoKubeConfig config;
    try (DriverRegistry drivers =
        DriverRegistry.builder().loadServices().secrets(SecretResolver.standard()).build()) {
      config = ConfigLoader.using(drivers).load(file);
    }
    try (StandaloneApi api = StandaloneApi.start(config, InetAddress.getLoopbackAddress(), 0)) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/nodes"))
              .timeout(Duration.ofSeconds(10));
      HttpResponse<String> none = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      HttpResponse<String> nodes =
          http.send(
              r.header("Authorization", "Bearer standalone-token").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(nodes.statusCode()).isEqualTo(200);
      assertThat(nodes.body()).contains("\"name\":\"worker-1\"").contains("\"state\":\"ACTIVE\"");
      HttpResponse<String> calibration =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + api.port() + "/api/v1/calibration/config"))
                  .header("Authorization", "Bearer standalone-token")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      // Until samples are posted, the predictor works from the node's profile: 100 W idle.
      assertThat(calibration.body()).contains("\"idle_watts\":100.0");
    }
  }

  @Test
  void aTokenThatCannotBeReadRefusesEveryCallAndKeepsServing() throws Exception {
    Path file = dir.resolve("ecokube.yaml");
    Files.writeString(
        file,
        """
        api: {token: "file:%s"}
        nodes:
          - name: worker-1
            allocatable: {cpu: "8", memory: 32Gi}
        """
            .formatted(dir.resolve("missing-token")));
    EcoKubeConfig config;
    try (DriverRegistry drivers =
        DriverRegistry.builder().loadServices().secrets(SecretResolver.standard()).build()) {
      config = ConfigLoader.using(drivers).load(file);
    }
    try (StandaloneApi api = StandaloneApi.start(config, InetAddress.getLoopbackAddress(), 0)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + api.port() + "/api/v1/nodes"))
                      .header("Authorization", "Bearer anything")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("cannot be read").contains("missing-token");
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/healthz"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }
}
