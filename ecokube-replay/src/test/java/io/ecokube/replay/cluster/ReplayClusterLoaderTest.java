package io.ecokube.replay.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.node.PowerProfile;
import io.ecokube.replay.ReplayFixtures;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplayClusterLoaderTest {
  @Test
  void readsEveryField() {
    ReplayCluster c = ReplayClusterLoader.parse(ReplayFixtures.CLUSTER_YAML, "c.yaml");
    assertThat(c).isEqualTo(ReplayFixtures.cluster());
    assertThat(c.nodeSpecs()).hasSize(4);
    assertThat(c.nodeSpecs().get(0).name()).isEqualTo("node-001");
    assertThat(c.nodeSpecs().get(0).powerManageable()).isTrue();
  }

  @Test
  void defaultsForPowerAndAccounting() {
    ReplayCluster c = ReplayClusterLoader.parse("nodes: 2\ncores: 8\n", "c.yaml");
    assertThat(c.power()).isEqualTo(PowerProfile.typicalServer());
    assertThat(c.memoryBytesPerNode()).isEqualTo(64L << 30);
    assertThat(c.tariff().currency()).isEqualTo("EUR");
  }

  @Test
  void partialPowerKeepsTheOtherDefaults() {
    ReplayCluster c =
        ReplayClusterLoader.parse("nodes: 2\ncores: 8\npower: {bootTime: 90s}\n", "c.yaml");
    assertThat(c.power().bootTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.power().idleWatts()).isEqualTo(PowerProfile.typicalServer().idleWatts());
  }

  @Test
  void errorsNameFileFieldAndValue() {
    assertThatThrownBy(() -> ReplayClusterLoader.parse("cores: 8\n", "c.yaml"))
        .hasMessageContaining("c.yaml: nodes is required");
    assertThatThrownBy(() -> ReplayClusterLoader.parse("nodes: 0\ncores: 8\n", "c.yaml"))
        .hasMessageContaining("nodes is '0'")
        .hasMessageContaining(">= 1");
    assertThatThrownBy(() -> ReplayClusterLoader.parse("nodes: 2\ncores: 8\nnode: 3\n", "c.yaml"))
        .hasMessageContaining("unknown field(s) [node]");
    assertThatThrownBy(
            () -> ReplayClusterLoader.parse("nodes: 2\ncores: 8\nmemory: lots\n", "c.yaml"))
        .hasMessageContaining("memory is 'lots'");
    assertThatThrownBy(
            () ->
                ReplayClusterLoader.parse(
                    "nodes: 2\ncores: 8\npower: {bootTime: soon}\n", "c.yaml"))
        .hasMessageContaining("power.bootTime is 'soon'");
    assertThatThrownBy(
            () ->
                ReplayClusterLoader.parse("nodes: 2\ncores: 8\naccounting: {pue: 0.5}\n", "c.yaml"))
        .hasMessageContaining("accounting")
        .hasMessageContaining("pue");
    assertThatThrownBy(() -> ReplayClusterLoader.parse("nodes: [\n", "c.yaml"))
        .hasMessageContaining("not valid YAML");
  }
}
