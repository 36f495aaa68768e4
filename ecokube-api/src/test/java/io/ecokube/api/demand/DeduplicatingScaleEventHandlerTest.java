package io.ecokube.api.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeduplicatingScaleEventHandlerTest {
  static ScaleEvent up(String task) {
    return new ScaleEvent(ScaleEvent.Type.SCALE_UP, "w", 1, task);
  }

  @Test
  void aTaskIdReachesTheDelegateOnce() {
    List<String> seen = new ArrayList<>();
    DeduplicatingScaleEventHandler h =
        new DeduplicatingScaleEventHandler(
            e -> {
              seen.add(e.taskId());
              return Acceptance.ACCEPTED;
            });
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.ACCEPTED);
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.DUPLICATE);
    assertThat(h.accept(up("b"))).isEqualTo(Acceptance.ACCEPTED);
    assertThat(seen).containsExactly("a", "b");
  }

  @Test
  void rejectedAndFailedEventsMayBeTriedAgain() {
    List<String> seen = new ArrayList<>();
    int[] calls = {0};
    DeduplicatingScaleEventHandler h =
        new DeduplicatingScaleEventHandler(
            e -> {
              seen.add(e.taskId());
              calls[0]++;
              if (calls[0] == 1) {
                return Acceptance.REJECTED;
              }
              if (calls[0] == 2) {
                throw new IllegalStateException("engine busy");
              }
              return Acceptance.ACCEPTED;
            });
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.REJECTED);
    assertThatThrownBy(() -> h.accept(up("a"))).hasMessage("engine busy");
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.ACCEPTED);
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.DUPLICATE);
    assertThat(seen).hasSize(3);
  }

  @Test
  void remembersABoundedNumberOfTaskIds() {
    List<String> seen = new ArrayList<>();
    DeduplicatingScaleEventHandler h =
        new DeduplicatingScaleEventHandler(
            e -> {
              seen.add(e.taskId());
              return Acceptance.ACCEPTED;
            },
            2);
    h.accept(up("a"));
    h.accept(up("b"));
    h.accept(up("c"));
    assertThat(h.accept(up("c"))).isEqualTo(Acceptance.DUPLICATE);
    assertThat(h.accept(up("a"))).isEqualTo(Acceptance.ACCEPTED);
  }
}
