package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForecastConfigTest {
  private final DriverRegistry registry =
      DriverRegistry.builder()
          .register(new InMemoryCluster(new ManualClock()).driverProvider())
          .secrets(SecretResolver.inMemory(Map.of()))
          .build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  private static final String NODES =
      """
      nodes:
        - name: a
          allocatable: {cpu: "4", memory: 8Gi}
          power: {bootTime: 4m}
        - name: b
          allocatable: {cpu: "4", memory: 8Gi}
          power: {bootTime: 2m}
      """;

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void withoutTheSectionThereIsNoForecast() {
    ForecastSettings f = loader.parse(NODES, "f.yaml").forecast();
    assertThat(f.model()).isEqualTo(ForecastSettings.Model.OFF);
  }

  @Test
  void anArimaOfAGivenOrderLoadsWithTheHorizonFromTheLongestBoot() {
    EcoKubeConfig c =
        loader.parse(
            NODES
                + """
                forecast:
                  model: arima
                  order: [1, 0, 1]
                  seasonalOrder: [0, 1, 0]
                  step: 10m
                  season: 1d
                  refitInterval: 30m
                  level: 0.9
                  estimate: mean
                  fitTimeout: 20s
                """,
            "f.yaml");
    ForecastSettings f = c.forecast();
    assertThat(f.model()).isEqualTo(ForecastSettings.Model.ARIMA);
    assertThat(f.order()).contains(new ForecastSettings.ArimaOrder(1, 0, 1, 0, 1, 0));
    assertThat(f.seasonSteps()).isEqualTo(144);
    assertThat(f.minHistory()).isEqualTo(Duration.ofDays(1).plusMinutes(10));
    assertThat(f.history()).isEqualTo(Duration.ofDays(7));
    assertThat(f.refitInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(f.level()).isEqualTo(0.9);
    assertThat(f.upperBound()).isFalse();
    assertThat(f.fitTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(f.horizonFor(c.nodes())).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aSectionWithoutAModelIsAutoArima() {
    ForecastSettings f = loader.parse(NODES + "forecast: {horizon: 7m}\n", "f.yaml").forecast();
    assertThat(f.model()).isEqualTo(ForecastSettings.Model.AUTO_ARIMA);
    assertThat(f.horizonFor(java.util.List.of())).isEqualTo(Duration.ofMinutes(7));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            () ->
                loader.parse(
                    NODES
                        + """
                        forecast:
                          model: seasonal-naive
                          order: [1, 1]
                          step: 7m
                          history: 1h
                          level: 2
                          estimate: peak
                          refitEvery: 1h
                        """,
                    "f.yaml"),
            ConfigException.class);
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .containsExactlyInAnyOrder(
            "forecast.season",
            "forecast.order",
            "forecast.order",
            "forecast.history",
            "forecast.level",
            "forecast.estimate",
            "forecast.refitEvery");
    assertThat(e.getMessage())
        .contains("forecast.season (line 8, column 1): is required with seasonal-naive")
        .contains("'2' is out of range; allowed 0.5..0.999")
        .contains("forecast.refitEvery (line 15, column 3): unknown field; allowed:");
    ConfigException arima =
        catchThrowableOfType(
            () ->
                loader.parse(NODES + "forecast: {model: arima, season: 5m, step: 3m}\n", "f.yaml"),
            ConfigException.class);
    assertThat(arima.getMessage())
        .contains("forecast.order")
        .contains("is required with arima")
        .contains("'5m' is not a whole number of steps of 3m");
    ConfigException unknown =
        catchThrowableOfType(
            () -> loader.parse(NODES + "forecast: {model: prophet}\n", "f.yaml"),
            ConfigException.class);
    assertThat(unknown.getMessage()).contains("'prophet' is not a model; use auto-arima");
  }
}
