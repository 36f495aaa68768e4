package io.ecokube.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.Resources;
import io.ecokube.api.node.Taint;
import io.ecokube.api.node.TaintEffect;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.policy.PoolPolicy;
import io.ecokube.core.policy.RateLimit;
import io.ecokube.sim.cluster.InMemoryCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
  private final DriverRegistry registry =
      DriverRegistry.builder()
          .loadServices()
          .register(new InMemoryCluster(new ManualClock()).driverProvider())
          .secrets(SecretResolver.inMemory(Map.of("env:BMC_PASSWORD", "s3cret")))
          .build();
  private final ConfigLoader loader = ConfigLoader.using(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  static final String GOOD =
      """
      pools:
        default:
          minActive: 1
        green:
          minActive: 0
          warmReserve: 1
          powerCapWatts: 2500
          idleGrace: 5m
      engine:
        clusterPowerCapWatts: 6000
        wakeRate: {count: 4, window: 1m}
        suspendRate: {count: 2, window: 30s}
        maxCyclesPerNodePerDay: 8
        minUptime: 15m
        maxPoweredOffDuration: 7d
        bootTimeoutGrace: 90s
        shutdownTimeoutGrace: 1m
        attemptsPerDriver: 3
        retryBackoff: 10s
        maxRetryBackoff: 10m
        drainTimeout: 4m
        demandStaleAfter: 45s
      accounting: {pue: 1.4, pricePerKwh: 0.3, gramsCo2PerKwh: 350, currency: EUR}
      nodes:
        - name: control-plane
          controlPlane: true
          allocatable: {cpu: "4", memory: 8Gi}
        - name: worker-1
          protected: true
          labels: {zone: main}
          allocatable: {cpu: 3500m, memory: "16Gi", pods: 50}
        - name: worker-2
          pool: green
          labels: {zone: green, gpu: true}
          taints:
            - {key: gpu, value: "true", effect: NoSchedule}
          allocatable: {cpu: "16", memory: 64Gi, gpus: 2}
          power:
            offWatts: 8
            idleWatts: 140
            maxWatts: 420
            transitionWatts: 230
            bootTime: 90s
            shutdownTime: 30s
            drivers:
              - driver: mac-test
                settings: {mac: "aa:bb:cc:dd:ee:ff", password: "env:BMC_PASSWORD"}
              - driver: sim
                settings: {can: "off,state"}
      """;

  @Test
  void goodConfigLoadsEveryField() {
    EcoKubeConfig c = loader.parse(GOOD, "good.yaml");
    assertThat(c.declaredPools()).containsExactly("default", "green");
    assertThat(c.policy().pool("green"))
        .isEqualTo(
            new PoolPolicy(0, 1, OptionalDouble.of(2500), Optional.of(Duration.ofMinutes(5))));
    assertThat(c.policy().wakeRate()).isEqualTo(new RateLimit(4, Duration.ofMinutes(1)));
    assertThat(c.policy().maxPoweredOffDuration()).contains(Duration.ofDays(7));
    assertThat(c.policy().maxRetryBackoff()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.accounting().pue()).isEqualTo(1.4);
    NodeSpec w1 = c.node("worker-1").orElseThrow();
    assertThat(w1.allocatable()).isEqualTo(new Resources(3500, 16L << 30, 0, 50));
    assertThat(w1.protectedNode()).isTrue();
    assertThat(w1.address().managed()).isFalse();
    NodeSpec w2 = c.node("worker-2").orElseThrow();
    assertThat(w2.pool()).isEqualTo("green");
    assertThat(w2.labels()).containsEntry("gpu", "true");
    assertThat(w2.taints()).containsExactly(new Taint("gpu", "true", TaintEffect.NO_SCHEDULE));
    assertThat(w2.allocatable()).isEqualTo(new Resources(16_000, 64L << 30, 2, 110));
    assertThat(w2.power().bootTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(w2.address().chain())
        .containsExactly(
            new DriverSpec(
                "mac-test", Map.of("mac", "aa:bb:cc:dd:ee:ff", "password", "env:BMC_PASSWORD")),
            new DriverSpec("sim", Map.of("can", "off,state")));
    assertThat(c.node("control-plane").orElseThrow().controlPlane()).isTrue();
  }

  @Test
  void roundTripsThroughTheWriter() {
    EcoKubeConfig c = loader.parse(GOOD, "good.yaml");
    String written = ConfigWriter.toYaml(c);
    assertThat(loader.parse(written, "written.yaml")).isEqualTo(c);
    assertThat(written).doesNotContain("s3cret");
  }

  @Test
  void loadsJsonAndFiles(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(
        f, "{\"nodes\": [{\"name\": \"n1\", \"allocatable\": {\"cpu\": 2, \"memory\": \"1G\"}}]}");
    EcoKubeConfig c = loader.load(f);
    assertThat(c.nodes()).hasSize(1);
    assertThat(c.nodes().get(0).allocatable())
        .isEqualTo(new Resources(2000, 1_000_000_000L, 0, 110));
  }

  static Stream<Arguments> badConfigs() {
    String node = "  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n";
    return Stream.of(
        Arguments.of(
            "unknown top-level field with a suggestion",
            "noeds: []\n",
            List.of("noeds: unknown field; did you mean 'nodes'?")),
        Arguments.of(
            "unknown field without a close match lists the allowed ones",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    colour: red\n",
            List.of(
                "nodes[0].colour: unknown field; allowed: [allocatable, controlPlane, labels, name,"
                    + " pool, power, protected, taints]")),
        Arguments.of(
            "undeclared pool",
            "pools: {green: {}}\nnodes:\n"
                + node
                + "  - name: n2\n    pool: gpu\n"
                + "    allocatable: {cpu: \"2\", memory: 4Gi}\n",
            List.of("nodes[1].pool: 'gpu' is not a declared pool; declared: [default, green]")),
        Arguments.of(
            "bad MAC reported by the driver with its path",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: mac-test\n          settings: {mac: zz}\n",
            List.of(
                "nodes[0].power.drivers[0].settings.mac: 'zz' is not a MAC address; use"
                    + " aa:bb:cc:dd:ee:ff")),
        Arguments.of(
            "unknown driver lists the known ones",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers: [{driver: wol}]\n",
            List.of(
                "nodes[0].power.drivers[0].driver: 'wol' is not a known power driver; known:"
                    + " [mac-test, sim] (add the driver's jar to the class path)")),
        Arguments.of(
            "inline secret is rejected without echoing it",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: mac-test\n"
                + "          settings: {mac: \"aa:bb:cc:dd:ee:ff\", password: hunter2}\n",
            List.of(
                "nodes[0].power.drivers[0].settings.password: looks like an inline secret (value"
                    + " not shown); write a reference instead: file:/path/to/secret or"
                    + " env:VARIABLE_NAME")),
        Arguments.of(
            "a key spelled passwd is a secret too",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: mac-test\n"
                + "          settings: {mac: \"aa:bb:cc:dd:ee:ff\", passwd: hunter2}\n",
            List.of(
                "nodes[0].power.drivers[0].settings.passwd: looks like an inline secret (value"
                    + " not shown); write a reference instead: file:/path/to/secret or"
                    + " env:VARIABLE_NAME")),
        Arguments.of(
            "secret with an unknown scheme counts as inline",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: mac-test\n"
                + "          settings: {mac: \"aa:bb:cc:dd:ee:ff\", apiToken: \"abc:def\"}\n",
            List.of(
                "nodes[0].power.drivers[0].settings.apiToken: looks like an inline secret (value"
                    + " not shown); write a reference instead: file:/path/to/secret or"
                    + " env:VARIABLE_NAME")),
        Arguments.of(
            "settings given as one string are not echoed",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: sim\n          settings: password=hunter2\n",
            List.of(
                "nodes[0].power.drivers[0].settings: expected a mapping of names to values, got a"
                    + " single value")),
        Arguments.of(
            "misspelt driver field",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n    power:\n"
                + "      drivers:\n        - driver: sim\n          setings: {}\n",
            List.of("nodes[0].power.drivers[0].setings: unknown field; did you mean 'settings'?")),
        Arguments.of(
            "quantities",
            "nodes:\n  - name: n1\n    allocatable: {cpu: 8 cores, memory: 32GB, gpus: -1}\n",
            List.of(
                "nodes[0].allocatable.cpu: '8 cores' is not a CPU quantity; use e.g. 8, 1.5 or"
                    + " 500m",
                "nodes[0].allocatable.memory: '32GB' is not a memory quantity; use e.g. 512Mi,"
                    + " 32Gi, 1G or 1073741824",
                "nodes[0].allocatable.gpus: '-1' is out of range; allowed 0..1024")),
        Arguments.of(
            "missing allocatable and name",
            "nodes:\n  - pool: default\n",
            List.of(
                "nodes[0].name: is required",
                "nodes[0].allocatable: is required (cpu and memory at least)")),
        Arguments.of(
            "bad node name and duplicate",
            "nodes:\n"
                + node
                + node
                + "  - name: Worker_1\n"
                + "    allocatable: {cpu: \"2\", memory: 4Gi}\n",
            List.of(
                "nodes[1].name: 'n1' is already used by nodes[0]",
                "nodes[2].name: 'Worker_1' is not a valid node name; use lowercase letters,"
                    + " digits, '-' and '.' (RFC 1123), at most 253 characters")),
        Arguments.of(
            "durations and ranges in the engine section",
            "engine:\n  minUptime: 10 minutes\n  drainTimeout: 0s\n  maxCyclesPerNodePerDay: 0\n"
                + "  retryBackoff: 5m\n  maxRetryBackoff: 1m\n  wakeRate: {count: 3}\n",
            List.of(
                "engine.wakeRate.window: is required",
                "engine.maxCyclesPerNodePerDay: '0' is out of range; allowed 1..1000",
                "engine.minUptime: '10 minutes' is not a duration; use e.g. 500ms, 30s, 10m, 2h,"
                    + " 1d or PT30S",
                "engine.maxRetryBackoff: '1m' must not be shorter than retryBackoff (5m)",
                "engine.drainTimeout: '0s' must be positive")),
        Arguments.of(
            "power profile consistency",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n"
                + "    power: {offWatts: 10, idleWatts: 5, maxWatts: 4, transitionWatts: 2,"
                + " bootTime: soon}\n",
            List.of(
                "nodes[0].power.bootTime: 'soon' is not a duration; use e.g. 500ms, 30s, 10m, 2h,"
                    + " 1d or PT30S",
                "nodes[0].power.idleWatts: '5' must be greater than offWatts (10)",
                "nodes[0].power.maxWatts: '4' must be at least idleWatts (5)",
                "nodes[0].power.transitionWatts: '2' must be at least offWatts (10)")),
        Arguments.of(
            "taints and types",
            "nodes:\n  - name: n1\n    allocatable: {cpu: \"2\", memory: 4Gi}\n"
                + "    labels: [a, b]\n    protected: maybe\n"
                + "    taints: [{key: gpu, effect: NoSchedul}, {value: x}]\n",
            List.of(
                "nodes[0].labels: expected a mapping of names to values, got a list",
                "nodes[0].taints[0].effect: 'NoSchedul' is not a taint effect; use one of"
                    + " [NoExecute, NoSchedule, PreferNoSchedule]",
                "nodes[0].taints[1].key: is required",
                "nodes[0].taints[1].effect: is required; use one of [NoExecute, NoSchedule,"
                    + " PreferNoSchedule]",
                "nodes[0].protected: 'maybe' is not a boolean; use true or false")),
        Arguments.of(
            "pools",
            "pools:\n  Green: {}\n  blue: {minActive: x, idleGrace: -5s, powerCapWatts: 0}\n",
            List.of(
                "pools.Green: 'Green' is not a valid pool name; use lowercase letters, digits and"
                    + " '-'",
                "pools.blue.minActive: 'x' is not a whole number; allowed 0..100000",
                "pools.blue.powerCapWatts: '0' must be a number greater than 0",
                "pools.blue.idleGrace: '-5s' is not a duration; use e.g. 500ms, 30s, 10m, 2h, 1d"
                    + " or PT30S")),
        Arguments.of(
            "syntax error",
            "nodes: [\n",
            List.of(
                "(document): while parsing a flow node; expected the node content, but"
                    + " found '<stream end>'")),
        Arguments.of(
            "duplicate keys",
            "nodes: []\nnodes: []\n",
            List.of("(document): Duplicate field 'nodes'")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void badConfigsReportEveryProblemWithItsPath(String name, String yaml, List<String> expected) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "bad.yaml"));
    assertThat(e).as("config should be rejected").isNotNull();
    assertThat(e.errors()).containsExactlyElementsOf(expected);
    assertThat(e.getMessage())
        .startsWith("bad.yaml has " + expected.size() + " problem")
        .doesNotContain("hunter2");
  }

  @Test
  void everyErrorOfADocumentIsReportedAtOnce() {
    String yaml =
        GOOD.replace("pool: green", "pool: gpu")
            .replace("mac: \"aa:bb:cc:dd:ee:ff\"", "mac: zz")
            .replace("minUptime: 15m", "minUptime: 15 minutes");
    assertThatThrownBy(() -> loader.parse(yaml, "three.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "three.yaml has 3 problems:"
                + System.lineSeparator()
                + "  - engine.minUptime ("
                + at(yaml, "minUptime: 15 minutes")
                + "): '15 minutes' is not a duration; use e.g. 500ms, 30s, 10m,"
                + " 2h, 1d or PT30S"
                + System.lineSeparator()
                + "  - nodes[2].pool ("
                + at(yaml, "pool: gpu")
                + "): 'gpu' is not a declared pool; declared: [default, green]"
                + System.lineSeparator()
                + "  - nodes[2].power.drivers[0].settings.mac ("
                + at(yaml, "mac: zz")
                + "): 'zz' is not a MAC address; use"
                + " aa:bb:cc:dd:ee:ff");
  }

  @Test
  void syntaxErrorsAndDuplicateKeysNameTheirLineAndColumn() {
    ConfigException syntax =
        catchThrowableOfType(ConfigException.class, () -> loader.parse("nodes: [\n", "s.yaml"));
    assertThat(syntax.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(1);
              assertThat(p.column()).isEqualTo(9);
            });
    assertThat(syntax.getMessage()).contains("(document) (line 1, column 9): while parsing");
    ConfigException dup =
        catchThrowableOfType(
            ConfigException.class, () -> loader.parse("nodes: []\nnodes: []\n", "d.yaml"));
    assertThat(dup.problems()).singleElement().extracting(ConfigProblem::line).isEqualTo(2);
  }

  @Test
  void aMissingKeyIsLocatedAtItsParent() {
    String yaml = "nodes:\n  - pool: default\n    allocatable: {cpu: \"1\", memory: 1Gi}\n";
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "m"));
    assertThat(e.problems())
        .filteredOn(p -> p.path().equals("nodes[0].name"))
        .singleElement()
        .satisfies(p -> assertThat(p.line()).isEqualTo(2));
  }

  /** "line L, column C" of the key that starts {@code needle} in {@code yaml}. */
  private static String at(String yaml, String needle) {
    int offset = yaml.indexOf(needle);
    assertThat(offset).as("'%s' in the document", needle).isNotNegative();
    String before = yaml.substring(0, offset);
    int line = before.split("\n", -1).length;
    int column = offset - before.lastIndexOf('\n');
    return "line " + line + ", column " + column;
  }

  @Test
  void accountingByHourLoadsAndRoundTrips() {
    String hourly =
        "accounting:\n"
            + "  pue: 1.3\n"
            + "  currency: EUR\n"
            + "  timeZone: Europe/Berlin\n"
            + "  pricePerKwhByHour: ["
            + "0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,"
            + " 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.1, 0.1]\n"
            + "  gramsCo2PerKwh: 250\n"
            + "nodes: []\n";
    EcoKubeConfig c = loader.parse(hourly, "hourly.yaml");
    assertThat(c.accounting()).isInstanceOf(io.ecokube.core.energy.HourlyTariff.class);
    // 01:30 UTC in January is 02:30 in Berlin: the night rate.
    assertThat(c.accounting().pricePerKwh(java.time.Instant.parse("2026-01-15T01:30:00Z")))
        .isEqualTo(0.1);
    assertThat(c.accounting().pricePerKwh(java.time.Instant.parse("2026-01-15T11:30:00Z")))
        .isEqualTo(0.3);
    assertThat(c.accounting().gramsCo2PerKwh(java.time.Instant.parse("2026-01-15T11:30:00Z")))
        .isEqualTo(250);
    assertThat(loader.parse(ConfigWriter.toYaml(c), "written.yaml")).isEqualTo(c);
  }

  @Test
  void badHourlyAccountingNamesTheHour() {
    String bad =
        "accounting:\n"
            + "  timeZone: Mars/Olympus\n"
            + "  pricePerKwh: 0.2\n"
            + "  pricePerKwhByHour: [0.1, 0.2]\n"
            + "  gramsCo2PerKwhByHour: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,"
            + " 1, 1, 1, 1, 1, 1, 1, 1, 1, -5, 1, x]\n"
            + "nodes: []\n";
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(bad, "bad.yaml"));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "accounting.pricePerKwh: give either pricePerKwh or pricePerKwhByHour, not both",
            "accounting.pricePerKwhByHour: expected a list of 24 values (00:00 to 23:00 local"
                + " time), got 2 values",
            "accounting.gramsCo2PerKwhByHour[21]: '-5' is not a number of 0 or more",
            "accounting.gramsCo2PerKwhByHour[23]: 'x' is not a number of 0 or more",
            "accounting.timeZone: 'Mars/Olympus' is not a time zone; use a region such as"
                + " Europe/Berlin or UTC");
  }

  private static final String ONE_NODE =
      """
      pools:
        default: {minActive: MIN}
      nodes:
        - name: worker-1
          allocatable: {cpu: "4", memory: 8Gi}
          power:
            drivers:
      CHAIN
      """;

  private static String oneNode(int minActive, String... chain) {
    StringBuilder b = new StringBuilder();
    for (String line : chain) {
      b.append("        ").append(line).append('\n');
    }
    return ONE_NODE.replace("MIN", Integer.toString(minActive)).replace("CHAIN\n", b);
  }

  @Test
  void aChainThatCannotWakeIsRefused() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader.parse(
                    oneNode(0, "- {driver: sim, settings: {can: \"off,state\"}}"), "w.yaml"));
    assertThat(e.errors())
        .singleElement()
        .asString()
        .startsWith("nodes[0].power.drivers: no driver of this chain can power the node on")
        .contains("add one that can, such as wol, ipmi or redfish");
  }

  @Test
  void aChainThatCannotPowerOffIsRefused() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader.parse(
                    oneNode(0, "- {driver: mac-test, settings: {mac: \"aa:bb:cc:dd:ee:01\"}}"),
                    "o.yaml"));
    assertThat(e.errors())
        .singleElement()
        .asString()
        .startsWith("nodes[0].power.drivers: no driver of this chain can power the node off")
        .contains("drained again and again");
  }

  @Test
  void aChainThatCanDoBothAcrossItsDriversLoads() {
    EcoKubeConfig config =
        loader.parse(
            oneNode(
                1,
                "- {driver: mac-test, settings: {mac: \"aa:bb:cc:dd:ee:01\"}}",
                "- {driver: sim, settings: {can: \"off,state\"}}"),
            "ok.yaml");
    assertThat(config.nodes()).hasSize(1);
  }

  @Test
  void minActiveAboveANamedPoolsSizeIsRefused() {
    String yaml =
        oneNode(0, "- {driver: sim}")
            .replace("pools:\n", "pools:\n  batch: {minActive: 2}\n")
            .replace("  - name: worker-1\n", "  - name: worker-1\n    pool: batch\n");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "m"));
    assertThat(e.errors())
        .containsExactly(
            "pools.batch.minActive: '2' is more than the pool's 1 node, so the minimum could"
                + " never be met; lower it to at most 1 or add nodes to the pool");
  }

  @Test
  void theDefaultPoolMayAskForMoreThanTheListedNodes() {
    // Nodes the config does not list (the rest of a Kubernetes cluster) join the default pool.
    assertThat(loader.parse(oneNode(3, "- {driver: sim}"), "d").policy().pools())
        .containsKey("default");
  }

  @Test
  void aMisspeltDriverSettingIsRefusedWithASuggestion() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                loader.parse(
                    oneNode(
                        0,
                        "- {driver: mac-test, settings: {mack: \"aa:bb:cc:dd:ee:01\"}}",
                        "- {driver: sim}"),
                    "k.yaml"));
    assertThat(e.errors())
        .containsExactly(
            "nodes[0].power.drivers[0].settings.mack: is not a setting of driver 'mac-test'; did"
                + " you mean 'mac'?");
  }

  @Test
  void anEmptySecretIsRefusedWithoutItsValue(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("bmc-pass"), "  \n");
    try (DriverRegistry files =
        DriverRegistry.builder()
            .loadServices()
            .register(new InMemoryCluster(new ManualClock()).driverProvider())
            .secrets(SecretResolver.standard())
            .build()) {
      String yaml =
          oneNode(
              0,
              "- {driver: mac-test, settings: {mac: \"aa:bb:cc:dd:ee:01\", password: \"file:"
                  + empty
                  + "\"}}",
              "- {driver: sim}");
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> ConfigLoader.using(files).parse(yaml, "s.yaml"));
      assertThat(e.errors())
          .singleElement()
          .asString()
          .startsWith("nodes[0].power.drivers[0].settings.password: secret file:")
          .endsWith("is empty; write the secret into it");
    }
  }

  @Test
  void twoNodesOnOneMachineAreRefused() {
    String yaml =
        """
        nodes:
          - name: worker-1
            allocatable: {cpu: "4", memory: 8Gi}
            power:
              drivers:
                - {driver: mac-test, settings: {mac: "aa:bb:cc:dd:ee:01"}}
                - {driver: sim}
          - name: worker-2
            allocatable: {cpu: "4", memory: 8Gi}
            power:
              drivers:
                - {driver: mac-test, settings: {mac: "AA:BB:CC:DD:EE:01"}}
                - {driver: sim}
        """;
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, "dup.yaml"));
    assertThat(e.errors()).isNotEmpty();
    assertThat(e.problems())
        .filteredOn(p -> p.path().equals("nodes[1].power.drivers[0]"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.problem())
                  .isEqualTo(
                      "points at the machine of node 'worker-1' (mac=aa:bb:cc:dd:ee:01); two"
                          + " nodes on one machine would power each other off");
              assertThat(p.line()).isEqualTo(12);
              assertThat(p.column()).isEqualTo(11);
            });
  }

  @Test
  void theWakeRankerIsChosenByName() {
    assertThat(loader.parse("engine: {wakeRanker: greenest}\n", "r").policy().wakeRanker())
        .isEqualTo("greenest");
    assertThat(loader.parse("pools: {}\n", "d").policy().wakeRanker()).isEqualTo("least-watts");
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader.parse("engine: {wakeRanker: greenst}\n", "b"));
    assertThat(e.errors())
        .containsExactly(
            "engine.wakeRanker: 'greenst' is not a wake ranker; did you mean 'greenest'? (a"
                + " plugin's ranker needs its jar on the class path)");
  }
}
