package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetersConfigTest {
  private final PowerDriverProvider sim = new InMemoryCluster(new ManualClock()).driverProvider();
  private final DriverRegistry registry =
      DriverRegistry.builder()
          .register(sim)
          .register(renamed("ipmi"))
          .register(renamed("redfish"))
          .secrets(SecretResolver.inMemory(Map.of()))
          .build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  /** The simulated driver under another name: a node chain that names an ipmi/redfish driver. */
  private PowerDriverProvider renamed(String name) {
    return new PowerDriverProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public PowerDriver create(DriverContext context) {
        return sim.create(context);
      }

      @Override
      public Set<String> settingKeys() {
        return sim.settingKeys();
      }
    };
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static final String NODES =
      """
      pools:
        batch: {}
      nodes:
        - name: a
          allocatable: {cpu: "4", memory: 8Gi}
          power: {drivers: [{driver: ipmi}]}
        - name: b
          pool: batch
          allocatable: {cpu: "4", memory: 8Gi}
          power: {drivers: [{driver: redfish}]}
        - name: c
          pool: batch
          allocatable: {cpu: "4", memory: 8Gi}
          power: {drivers: [{driver: ipmi}]}
      """;

  private static final String METERS =
      """
      meters:
        interval: 15s
        staleAfter: 1m
        preference: [dcmi, kepler, redfish]
        kepler:
          url: https://prometheus.monitoring:9090
          bearerToken: "file:/var/run/prometheus/token"
          trustStore: /etc/ecokube/prometheus-ca.pem
          timeout: 5s
          nodeLabel: node
          rateWindow: 2m
          pools: [batch]
        dcmi: {}
        redfish: {nodes: [b]}
      """;

  @Test
  void everyMeterLoadsWithItsNodesAndOrder() {
    MeterSettings m = loader.parse(NODES + METERS, "m.yaml").meters().orElseThrow();
    assertThat(m.interval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(m.staleAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(m.preference()).containsExactly("dcmi", "kepler", "redfish");
    MeterSettings.Kepler k = m.kepler().orElseThrow();
    assertThat(k.prometheus().url()).isEqualTo(URI.create("https://prometheus.monitoring:9090"));
    assertThat(k.prometheus().bearerToken())
        .hasValueSatisfying(r -> assertThat(r.scheme()).isEqualTo("file"));
    assertThat(k.prometheus().trustStore()).contains(Path.of("/etc/ecokube/prometheus-ca.pem"));
    assertThat(k.prometheus().insecureSkipTlsVerify()).isFalse();
    assertThat(k.prometheus().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(k.nodeLabel()).isEqualTo("node");
    assertThat(k.rateWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(k.nodes()).containsExactlyInAnyOrder("b", "c");
    assertThat(k.covers("a")).isFalse();
    // dcmi without a selection: every node whose chain has an ipmi driver.
    assertThat(m.bmcNodes("dcmi")).containsExactlyInAnyOrder("a", "c");
    assertThat(m.bmcNodes("redfish")).containsExactly("b");
  }

  @Test
  void defaultsPutWallPowerFirst() {
    MeterSettings m =
        loader
            .parse(
                NODES + "meters:\n  kepler: {url: \"http://127.0.0.1:9090\"}\n  dcmi: {}\n",
                "m.yaml")
            .meters()
            .orElseThrow();
    assertThat(m.preference()).containsExactly("dcmi", "kepler");
    assertThat(m.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(m.staleAfter()).isEqualTo(Duration.ofMinutes(2));
    assertThat(m.kepler().orElseThrow().covers("a")).isTrue();
    assertThat(loader.parse(NODES, "m.yaml").meters()).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsPathAndLine() {
    String bad =
        NODES
            + """
            meters:
              interval: 1m
              staleAfter: 10s
              preference: [kepler, ipmi, kepler]
              kepler:
                url: "https://admin:hunter2@prometheus:9090"
                password: "hunter2"
                insecureSkipTlsVerify: true
                trustStore: /ca.pem
                nodeLabel: "no-dash"
                pools: [gpu]
                colour: blue
              dcmi: {nodes: [b, zz]}
            """;
    ConfigException e =
        catchThrowableOfType(() -> loader.parse(bad, "m.yaml"), ConfigException.class);
    assertThat(e.problems())
        .extracting(ConfigProblem::path)
        .contains(
            "meters.staleAfter",
            "meters.preference[1]",
            "meters.preference[2]",
            "meters.kepler.url",
            "meters.kepler.password",
            "meters.kepler.username",
            "meters.kepler.insecureSkipTlsVerify",
            "meters.kepler.nodeLabel",
            "meters.kepler.pools",
            "meters.kepler.colour",
            "meters.dcmi.nodes[0]",
            "meters.dcmi.nodes[1]");
    assertThat(e.getMessage())
        .contains("meters.staleAfter (line 17, column 3)")
        .contains("'ipmi' is not a meter; use one of [dcmi, redfish, kepler]")
        .contains("node 'b' has no ipmi driver")
        .contains("'zz' is not a node in nodes")
        .contains("'gpu' is not a declared pool")
        .doesNotContain("hunter2");
  }

  @Test
  void aSectionWithoutAMeterOrWithAnUnlistedOneIsRefused() {
    ConfigException none =
        catchThrowableOfType(
            () -> loader.parse(NODES + "meters: {interval: 10s}\n", "m.yaml"),
            ConfigException.class);
    assertThat(none.getMessage()).contains("meters (line").contains("names no meter");
    ConfigException unlisted =
        catchThrowableOfType(
            () ->
                loader.parse(
                    NODES + "meters:\n  preference: [dcmi]\n  dcmi: {}\n  redfish: {}\n", "m.yaml"),
            ConfigException.class);
    assertThat(unlisted.problems())
        .extracting(ConfigProblem::path, ConfigProblem::problem)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "meters.preference",
                "does not list the configured meter 'redfish'; add it where it ranks"));
    assertThat(List.of(none, unlisted)).allSatisfy(x -> assertThat(x).isNotNull());
  }
}
