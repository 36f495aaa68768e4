package io.ecokube.core.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.demand.WorkloadDemand;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleEventDemandTest {
  static final WorkloadRef AGENT = new WorkloadRef("ci", "Task", "otto-agent");

  ScaleEventDemand demand() {
    return new ScaleEventDemand(List.of(new EventWorkload(AGENT, BacklogAutoscalerTest.POD, 5, 8)));
  }

  static ScaleEvent event(ScaleEvent.Type type, int n, String task) {
    return new ScaleEvent(type, "otto-agent", n, task);
  }

  @Test
  void scaleUpAddsAndScaleDownRemovesWithinBounds() {
    ScaleEventDemand d = demand();
    assertThat(d.desired()).singleElement().satisfies(w -> assertThat(w.replicas()).isZero());
    assertThat(d.accept(event(ScaleEvent.Type.SCALE_UP, 3, "t-1"))).isEqualTo(Acceptance.ACCEPTED);
    d.accept(event(ScaleEvent.Type.SCALE_UP, 3, "t-2"));
    WorkloadDemand w = d.desired().get(0);
    assertThat(w.replicas()).isEqualTo(6);
    assertThat(w.reason()).isEqualTo("scale_up +3 (task t-2): 3 -> 6 pods");
    assertThat(w.podTemplate()).isEqualTo(BacklogAutoscalerTest.POD);
    assertThat(w.priority()).isEqualTo(5);

    d.accept(event(ScaleEvent.Type.SCALE_UP, 5, "t-3"));
    assertThat(d.desired().get(0).replicas()).isEqualTo(8);
    assertThat(d.desired().get(0).reason()).endsWith("capped at maxPods 8");
    d.accept(event(ScaleEvent.Type.SCALE_DOWN, 20, "t-4"));
    assertThat(d.desired().get(0).replicas()).isZero();
  }

  @Test
  void anUnknownWorkloadIsRejected() {
    assertThat(demand().accept(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "ghost", 1, "t")))
        .isEqualTo(Acceptance.REJECTED);
  }

  @Test
  void workloadNamesMustBeUnique() {
    assertThatThrownBy(
            () ->
                new ScaleEventDemand(
                    List.of(
                        new EventWorkload(AGENT, BacklogAutoscalerTest.POD, 0, 1),
                        new EventWorkload(
                            new WorkloadRef("other", "Task", "otto-agent"),
                            BacklogAutoscalerTest.POD,
                            0,
                            1))))
        .hasMessageContaining("two event workloads are named otto-agent");
    assertThatThrownBy(() -> new EventWorkload(AGENT, BacklogAutoscalerTest.POD, 0, 0))
        .hasMessageContaining("maxPods must be > 0, got 0");
  }
}
