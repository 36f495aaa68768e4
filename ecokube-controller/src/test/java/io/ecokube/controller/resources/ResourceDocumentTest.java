package io.ecokube.controller.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.secret.Secret;
import io.ecokube.config.ConfigLoader;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.kubernetes.crd.CustomResource;
import io.ecokube.kubernetes.crd.ResourceKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Custom resources mapped onto the config file's model, and how they combine with the file. */
class ResourceDocumentTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static DriverRegistry drivers;
  private static ConfigLoader loader;
  private int age;

  @BeforeAll
  static void drivers() {
    // Secrets are not read here: a Kubernetes reference is taken on trust, as `validate` does.
    drivers =
        DriverRegistry.builder()
            .loadServices()
            .secrets(ref -> Secret.of("not-read", ref.toString()))
            .build();
    loader = ConfigLoader.using(drivers, Set.of("k8s"));
  }

  @AfterAll
  static void close() {
    drivers.close();
  }

  private ResourceDocument document(String fileYaml) throws Exception {
    return new ResourceDocument(
        (ObjectNode) YAML.readTree(fileYaml), text -> loader.parse(text, "test"));
  }

  private CustomResource resource(ResourceKind kind, String ns, String name, String specYaml)
      throws Exception {
    return new CustomResource(
        kind,
        ns,
        name,
        "uid-" + name,
        1,
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(age++),
        YAML.readTree(specYaml).toString(),
        "{}");
  }

  private static NodeFacts node(String name, Map<String, String> labels, Map<String, String> ann) {
    return new NodeFacts(name, labels, ann, Optional.of("8"), Optional.of("32Gi"));
  }

  private static final String POOL =
      """
      nodeSelector: {matchLabels: {rack: r2}}
      minWarmNodes: 1
      idleGrace: 5m
      powerProfile: {offWatts: 6, idleWatts: 110, maxWatts: 320}
      power:
        allowedAddressNetworks: [10.0.20.0/24]
        drivers:
          - driver: ipmi
            settings: {username: admin}
            nodeAddress: {setting: host, fromAnnotation: ecokube.io/bmc-address}
            secretRefs: [{setting: password, name: bmc, key: password}]
      """;

  @Test
  void nodePoolBecomesAPoolAndOneNodeEntryPerSelectedNodeWithItsAddressAndSecretReference()
      throws Exception {
    List<NodeFacts> nodes =
        List.of(
            node("w1", Map.of("rack", "r2"), Map.of("ecokube.io/bmc-address", "10.0.20.11")),
            node("w2", Map.of("rack", "r2"), Map.of("ecokube.io/bmc-address", "192.168.1.5")),
            node("w3", Map.of("rack", "r3"), Map.of("ecokube.io/bmc-address", "10.0.20.13")));
    ResourceDocument.Result r =
        document("pools: {default: {minActive: 0}}\n")
            .assemble(List.of(resource(ResourceKind.NODE_POOL, "ecokube", "batch", POOL)), nodes);

    assertThat(r.config().declaredPools()).as("%s", r.verdicts()).contains("batch");
    assertThat(r.config().policy().pools().get("batch").minActive()).isEqualTo(1);
    NodeSpec w1 = r.config().node("w1").orElseThrow();
    assertThat(w1.pool()).isEqualTo("batch");
    assertThat(w1.power().idleWatts()).isEqualTo(110);
    assertThat(w1.address().chain().get(0).settings())
        .containsEntry("host", "10.0.20.11")
        .containsEntry("password", "k8s:ecokube/bmc/password");
    // Outside allowedAddressNetworks: in the pool, but never powered.
    assertThat(r.config().node("w2").orElseThrow().address().managed()).isFalse();
    assertThat(r.config().node("w3")).isEmpty();
    Verdict v = r.verdicts().get("NodePool ecokube/batch");
    assertThat(v.applied()).as(v.message()).isTrue();
    assertThat(v.nodes()).containsExactly("w1", "w2");
    assertThat(v.warnings())
        .singleElement()
        .asString()
        .contains("w2")
        .contains("allowedAddressNetworks");
  }

  @Test
  void whatTheFileOrAnOlderResourceSetsWinsAndTheOtherIsRefusedAsConflict() throws Exception {
    ResourceDocument d =
        document(
            """
            pools: {batch: {minActive: 0}}
            engine: {budget: {perHour: 1}}
            nodes:
              - {name: w1, allocatable: {cpu: "4", memory: 8Gi}}
            """);
    List<CustomResource> rs = new ArrayList<>();
    rs.add(resource(ResourceKind.NODE_POOL, "ecokube", "batch", POOL));
    rs.add(
        resource(
            ResourceKind.NODE_POOL, "ecokube", "spare", "nodeSelector: {matchLabels: {rack: r2}}"));
    rs.add(
        resource(ResourceKind.POWER_POLICY, "ecokube", "cap", "{scope: Cluster, capWatts: 900}"));
    rs.add(
        resource(ResourceKind.POWER_POLICY, "ecokube", "cap2", "{scope: Cluster, capWatts: 500}"));
    rs.add(resource(ResourceKind.COST_POLICY, "ecokube", "money", "budget: {perHour: 2}"));
    rs.add(resource(ResourceKind.COST_POLICY, "ecokube", "tariff", "tariff: {pricePerKwh: 0.3}"));
    ResourceDocument.Result r =
        d.assemble(
            rs,
            List.of(
                node("w1", Map.of("rack", "r2"), Map.of()),
                node("w2", Map.of("rack", "r2"), Map.of())));
    Map<String, Verdict> v = r.verdicts();
    assertThat(v.get("NodePool ecokube/batch").reason()).isEqualTo("Conflict");
    assertThat(v.get("NodePool ecokube/batch").message()).contains("pools.batch");
    assertThat(v.get("NodePool ecokube/spare").applied()).isTrue();
    assertThat(v.get("NodePool ecokube/spare").nodes()).containsExactly("w2");
    assertThat(v.get("NodePool ecokube/spare").warnings())
        .singleElement()
        .asString()
        .contains("w1 is listed in the config file");
    assertThat(v.get("PowerPolicy ecokube/cap").applied()).isTrue();
    assertThat(v.get("PowerPolicy ecokube/cap2").reason()).isEqualTo("Conflict");
    assertThat(v.get("PowerPolicy ecokube/cap2").message()).contains("PowerPolicy ecokube/cap");
    assertThat(v.get("CostPolicy ecokube/money").reason()).isEqualTo("Conflict");
    assertThat(v.get("CostPolicy ecokube/money").message()).contains("engine.budget");
    assertThat(v.get("CostPolicy ecokube/tariff").applied()).isTrue();
    assertThat(r.config().policy().clusterPowerCapWatts()).hasValue(900.0);
    assertThat(r.config().accounting().pricePerKwh(Instant.EPOCH)).isEqualTo(0.3);
    assertThat(r.config().node("w1").orElseThrow().pool()).isEqualTo("default");
  }

  @Test
  void anUnchangedDocumentIsNotValidatedAgainButARefusedOneIs() throws Exception {
    java.util.concurrent.atomic.AtomicInteger loads =
        new java.util.concurrent.atomic.AtomicInteger();
    ResourceDocument d =
        new ResourceDocument(
            (ObjectNode) YAML.readTree("{}"),
            text -> {
              loads.incrementAndGet();
              return loader.parse(text, "test");
            });
    List<CustomResource> good =
        List.of(
            resource(
                ResourceKind.NODE_POOL, "ecokube", "a", "nodeSelector: {matchLabels: {r: x}}"));
    List<NodeFacts> nodes = List.of(node("w1", Map.of("r", "x"), Map.of()));
    d.assemble(good, nodes);
    d.assemble(good, nodes);
    assertThat(loads.get()).isEqualTo(1);
    List<CustomResource> bad =
        List.of(
            resource(
                ResourceKind.NODE_POOL,
                "ecokube",
                "b",
                "{nodeSelector: {matchLabels: {r: x}}, minWarmNodes: 5}"));
    int before = loads.get();
    d.assemble(bad, nodes);
    d.assemble(bad, nodes);
    // Each time: the refused document, then the file alone (accepted once, then remembered).
    assertThat(loads.get() - before).isEqualTo(3);
  }

  @Test
  void anInvalidResourceIsRefusedWithItsOwnFieldNamesAndTheOthersStillApply() throws Exception {
    ResourceDocument.Result r =
        document("{}")
            .assemble(
                List.of(
                    resource(
                        ResourceKind.NODE_POOL,
                        "ecokube",
                        "tiny",
                        "{nodeSelector: {matchLabels: {rack: r9}}, minWarmNodes: 3}"),
                    resource(
                        ResourceKind.POWER_POLICY,
                        "ecokube",
                        "ranker",
                        "{scope: Cluster, wakeRanker: nosuch}"),
                    resource(
                        ResourceKind.POWER_POLICY,
                        "ecokube",
                        "pool-cap",
                        "{scope: Pool, pool: gone, capWatts: 5}"),
                    resource(
                        ResourceKind.COST_POLICY,
                        "ecokube",
                        "co2",
                        "carbonIntensity: {gramsCo2PerKwh: 100}")),
                List.of(node("w1", Map.of("rack", "r9"), Map.of())));
    Map<String, Verdict> v = r.verdicts();
    assertThat(v.get("NodePool ecokube/tiny").reason()).isEqualTo("Invalid");
    assertThat(v.get("NodePool ecokube/tiny").message()).contains("spec.minWarmNodes");
    assertThat(v.get("PowerPolicy ecokube/ranker").reason()).isEqualTo("Invalid");
    assertThat(v.get("PowerPolicy ecokube/ranker").message()).contains("spec.wakeRanker");
    assertThat(v.get("PowerPolicy ecokube/pool-cap").reason()).isEqualTo("NoSuchPool");
    assertThat(v.get("CostPolicy ecokube/co2").applied()).isTrue();
    assertThat(r.config().accounting().gramsCo2PerKwh(Instant.EPOCH)).isEqualTo(100);
  }
}
