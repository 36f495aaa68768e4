package io.ecokube.kafka.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.demand.ScaleEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScaleEventCodecTest {
  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsBothSpellings() throws Exception {
    assertThat(
            ScaleEventCodec.parse(
                b("{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":3,\"taskId\":\"t-1\"}")))
        .isEqualTo(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "w", 3, "t-1"));
    assertThat(
            ScaleEventCodec.parse(
                b(
                    "{\"type\":\"scale_down\",\"workload\":\"w\",\"pod_count\":1,"
                        + "\"task_id\":\"t-2\",\"extra\":true}")))
        .isEqualTo(new ScaleEvent(ScaleEvent.Type.SCALE_DOWN, "w", 1, "t-2"));
  }

  @Test
  void roundTrips() throws Exception {
    ScaleEvent e = new ScaleEvent(ScaleEvent.Type.SCALE_UP, "eco-worker", 10, "upload-42");
    assertThat(ScaleEventCodec.parse(ScaleEventCodec.toJson(e))).isEqualTo(e);
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> ScaleEventCodec.parse(b("not json")))
        .isInstanceOf(MalformedScaleEventException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> ScaleEventCodec.parse(b("[1]")))
        .hasMessageContaining("expected a JSON object, got ARRAY");
    assertThatThrownBy(() -> ScaleEventCodec.parse(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                ScaleEventCodec.parse(
                    b("{\"type\":\"grow\",\"workload\":\"w\",\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessageContaining("type must be \"scale_up\" or \"scale_down\", got \"grow\"");
    assertThatThrownBy(
            () ->
                ScaleEventCodec.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":0,\"taskId\":\"t\"}")))
        .hasMessageContaining("podCount must be > 0, got 0");
    assertThatThrownBy(
            () ->
                ScaleEventCodec.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":\"3\",\"taskId\":\"t\"}")))
        .hasMessageContaining("podCount must be a whole number > 0, got \"3\"");
    assertThatThrownBy(
            () ->
                ScaleEventCodec.parse(
                    b("{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":1}")))
        .hasMessageContaining("task_id must be a non-blank string, got nothing");
    assertThatThrownBy(
            () ->
                ScaleEventCodec.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\" \",\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessageContaining("workload must be a non-blank string");
  }
}
