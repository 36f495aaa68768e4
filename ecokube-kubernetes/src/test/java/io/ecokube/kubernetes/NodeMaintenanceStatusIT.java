package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.ActuatorException;
import io.ecokube.api.time.ManualClock;
import io.kubernetes.client.openapi.models.V1Node;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Maintenance shown on the Node: annotations written on entry, removed with the clear. */
@Timeout(30)
class NodeMaintenanceStatusIT {
  private FakeApiServer api;
  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-07T10:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    api = new FakeApiServer();
    api.createNode("worker-1", true, Map.of(), Map.of("keep", "me"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private Map<String, String> annotations() throws Exception {
    return api.core.readNode("worker-1").execute().getMetadata().getAnnotations();
  }

  @Test
  void enteredAndClearedOnTheNode() throws Exception {
    NodeMaintenanceStatus status = new NodeMaintenanceStatus(api.client, clock);
    status.entered("worker-1", "maintenance after 3 failed cycles (last: BMC down)");
    assertThat(annotations())
        .containsEntry(
            EcoKubeKeys.MAINTENANCE, "maintenance after 3 failed cycles (last: BMC down)")
        .containsEntry(EcoKubeKeys.MAINTENANCE_SINCE, "2026-12-07T10:00:00Z")
        .containsEntry("keep", "me");

    V1Node n = api.core.readNode("worker-1").execute();
    n.getMetadata().getAnnotations().put(EcoKubeKeys.MAINTENANCE_CLEAR, "fixed");
    api.core.replaceNode("worker-1", n).execute();
    status.cleared("worker-1");
    assertThat(annotations())
        .doesNotContainKeys(
            EcoKubeKeys.MAINTENANCE, EcoKubeKeys.MAINTENANCE_SINCE, EcoKubeKeys.MAINTENANCE_CLEAR)
        .containsEntry("keep", "me");
  }

  @Test
  void aMissingNodeIsAClearError() {
    NodeMaintenanceStatus status = new NodeMaintenanceStatus(api.client, clock);
    assertThatThrownBy(() -> status.entered("gone", "maintenance"))
        .isInstanceOf(ActuatorException.class)
        .hasMessageContaining("mark node gone as in maintenance")
        .hasMessageContaining("404");
  }
}
