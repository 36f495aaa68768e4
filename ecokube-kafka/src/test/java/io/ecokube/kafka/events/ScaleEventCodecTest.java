package io.ecokube.kafka.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.demand.MalformedScaleEventException;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleEventCodecTest {
  static final ScaleEventCodec CODEC = new ScaleEventCodec(ScaleEventDecoder.strict());
  static final ScaleEventCodec WITH_DEFAULT =
      new ScaleEventCodec(ScaleEventDecoder.strict().withDefaultWorkload("otto-agent"));

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsBothSpellings() throws Exception {
    assertThat(
            CODEC.parse(
                b("{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":3,\"taskId\":\"t-1\"}")))
        .isEqualTo(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "w", 3, "t-1"));
    assertThat(
            CODEC.parse(
                b(
                    "{\"type\":\"scale_down\",\"workload\":\"w\",\"pod_count\":1,"
                        + "\"task_id\":\"t-2\",\"extra\":true,\"nested\":{\"a\":[1]}}")))
        .isEqualTo(
            new ScaleEvent(
                ScaleEvent.Type.SCALE_DOWN,
                "w",
                1,
                "t-2",
                Map.of("extra", "true", "nested", "{\"a\":[1]}")));
  }

  @Test
  void theOttoscalerShapeDecodesLikeTheRedisEntry() throws Exception {
    ScaleEvent fromJson =
        WITH_DEFAULT.parse(
            b("{\"type\":\"scale_up\",\"pod_count\":\"3\",\"task_id\":\"task-123\"}"));
    ScaleEvent fromFields =
        ScaleEventDecoder.strict()
            .withDefaultWorkload("otto-agent")
            .decode(Map.of("type", "scale_up", "pod_count", "3", "task_id", "task-123"));
    assertThat(fromJson)
        .isEqualTo(fromFields)
        .isEqualTo(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto-agent", 3, "task-123"));
  }

  @Test
  void roundTrips() throws Exception {
    ScaleEvent e =
        new ScaleEvent(
            ScaleEvent.Type.SCALE_UP, "eco-worker", 10, "upload-42", Map.of("repo", "r"));
    assertThat(CODEC.parse(ScaleEventCodec.toJson(e))).isEqualTo(e);
  }

  @Test
  void duplicateKeysAndTrailingDataAreRejected() {
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":3,\"podCount\":30,"
                            + "\"taskId\":\"t\"}")))
        .isInstanceOf(MalformedScaleEventException.class)
        .hasMessageContaining("Duplicate field 'podCount'");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":3,\"taskId\":\"t\"}"
                            + " {\"type\":\"scale_down\"}")))
        .hasMessageStartingWith("not JSON: Trailing token");
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> CODEC.parse(b("not json")))
        .isInstanceOf(MalformedScaleEventException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> CODEC.parse(b("[1]")))
        .hasMessageContaining("expected a JSON object, got ARRAY");
    assertThatThrownBy(() -> CODEC.parse(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b("{\"type\":\"grow\",\"workload\":\"w\",\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessageContaining("type must be \"scale_up\" or \"scale_down\", got \"grow\"");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":0,\"taskId\":\"t\"}")))
        .hasMessageContaining("podCount must be a whole number in 1..100, got 0");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":2.5,\"taskId\":\"t\"}")))
        .hasMessageContaining("podCount must be a whole number in 1..100, got \"2.5\"");
    assertThatThrownBy(
            () -> CODEC.parse(b("{\"type\":\"scale_up\",\"workload\":\"w\",\"podCount\":1}")))
        .hasMessageStartingWith("task_id is missing");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b("{\"type\":\"scale_up\",\"workload\":null,\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessage("workload must be a string or a number, got null");
    assertThatThrownBy(
            () ->
                CODEC.parse(
                    b(
                        "{\"type\":\"scale_up\",\"workload\":\" \",\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessageContaining("workload must be a non-blank name");
    assertThatThrownBy(
            () -> CODEC.parse(b("{\"type\":\"scale_up\",\"podCount\":1,\"taskId\":\"t\"}")))
        .hasMessageContaining("workload is missing and no default workload is configured");
  }
}
