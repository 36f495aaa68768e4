package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.state.NodeLifecycle;
import io.ecokube.api.state.NodeRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeRecordJsonTest {
  @Test
  void roundTrip() {
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    NodeRecord full =
        new NodeRecord(
            NodeLifecycle.FAILED,
            t,
            List.of(t.minusSeconds(60), t.minusSeconds(30)),
            Optional.of(t.minusSeconds(10)),
            3,
            2,
            Optional.of("BMC 10.0.0.5 unreachable"));
    assertThat(NodeRecordJson.decode(NodeRecordJson.encode(full))).isEqualTo(full);
    NodeRecord bare = NodeRecord.initial(NodeLifecycle.ACTIVE, t);
    assertThat(NodeRecordJson.decode(NodeRecordJson.encode(bare))).isEqualTo(bare);
  }

  @Test
  void badInputNamesTheField() {
    assertThatThrownBy(() -> NodeRecordJson.decode("{\"state\":\"SLEEPING\",\"since\":\"x\"}"))
        .hasMessageContaining("'state'");
    assertThatThrownBy(() -> NodeRecordJson.decode("{\"state\":\"OFF\",\"since\":\"yesterday\"}"))
        .hasMessageContaining("'since'");
    assertThatThrownBy(() -> NodeRecordJson.decode("not json")).hasMessageContaining("JSON");
  }
}
