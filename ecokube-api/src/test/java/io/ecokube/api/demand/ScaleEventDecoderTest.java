package io.ecokube.api.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleEventDecoderTest {
  static final ScaleEventDecoder DECODER =
      ScaleEventDecoder.strict().withDefaultWorkload("otto-agent").withMaxPodCount(50);

  static MalformedScaleEventException malformed(ScaleEventDecoder d, Map<String, String> fields) {
    try {
      d.decode(fields);
    } catch (MalformedScaleEventException e) {
      return e;
    }
    throw new AssertionError("expected " + fields + " to be malformed");
  }

  @Test
  void theOttoscalerEventGoesToTheDefaultWorkload() throws Exception {
    ScaleEvent e =
        DECODER.decode(Map.of("type", "scale_up", "pod_count", "3", "task_id", "task-123"));
    assertThat(e).isEqualTo(new ScaleEvent(ScaleEvent.Type.SCALE_UP, "otto-agent", 3, "task-123"));
  }

  @Test
  void ecoKubeSpellingAndExtraFieldsAsAttributes() throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("type", "scale_down");
    f.put("workload", "eco-worker");
    f.put("podCount", "2");
    f.put("taskId", "t-9");
    f.put("repo", "otto/web");
    f.put("commit", "abc123");
    ScaleEvent e = DECODER.decode(f);
    assertThat(e.type()).isEqualTo(ScaleEvent.Type.SCALE_DOWN);
    assertThat(e.workload()).isEqualTo("eco-worker");
    assertThat(e.podCount()).isEqualTo(2);
    assertThat(e.taskId()).isEqualTo("t-9");
    assertThat(e.attributes())
        .containsExactly(Map.entry("commit", "abc123"), Map.entry("repo", "otto/web"));
  }

  @Test
  void eachWrongFieldIsNamed() {
    assertThat(malformed(DECODER, Map.of("pod_count", "3", "task_id", "t")).field())
        .contains("type");
    MalformedScaleEventException grow =
        malformed(DECODER, Map.of("type", "grow", "pod_count", "3", "task_id", "t"));
    assertThat(grow).hasMessage("type must be \"scale_up\" or \"scale_down\", got \"grow\"");
    MalformedScaleEventException text =
        malformed(DECODER, Map.of("type", "scale_up", "pod_count", "three", "task_id", "t"));
    assertThat(text.field()).contains("pod_count");
    assertThat(text).hasMessage("pod_count must be a whole number in 1..50, got \"three\"");
    assertThat(malformed(DECODER, Map.of("type", "scale_up", "podCount", "0", "taskId", "t")))
        .hasMessage("podCount must be a whole number in 1..50, got 0");
    assertThat(malformed(DECODER, Map.of("type", "scale_up", "pod_count", "-1", "task_id", "t")))
        .hasMessageContaining("got \"-1\"");
    assertThat(malformed(DECODER, Map.of("type", "scale_up", "task_id", "t")))
        .hasMessageStartingWith("pod_count is missing");
    assertThat(malformed(DECODER, Map.of("type", "scale_up", "pod_count", "3")).field())
        .contains("task_id");
    assertThat(malformed(DECODER, Map.of("type", "scale_up", "pod_count", "3", "task_id", " ")))
        .hasMessageStartingWith("task_id must be non-blank text");
    assertThat(
            malformed(
                DECODER,
                Map.of("type", "scale_up", "pod_count", "3", "task_id", "t", "workload", "")))
        .hasMessage("workload must be a non-blank name, got \"\"");
  }

  @Test
  void podCountIsBoundedByConfig() {
    MalformedScaleEventException e =
        malformed(DECODER, Map.of("type", "scale_up", "pod_count", "51", "task_id", "t"));
    assertThat(e)
        .hasMessage(
            "pod_count must be a whole number in 1..50, got 51 (raise maxPodCount if that many"
                + " pods are meant)");
    assertThat(
            malformed(
                DECODER, Map.of("type", "scale_up", "pod_count", "99999999999", "task_id", "t")))
        .hasMessageContaining("got \"99999999999\"");
  }

  @Test
  void bothSpellingsOfOneFieldAreRejected() {
    assertThat(
            malformed(
                DECODER,
                Map.of("type", "scale_up", "pod_count", "3", "podCount", "4", "task_id", "t")))
        .hasMessage("both podCount and pod_count are given; send only one of them");
  }

  @Test
  void withoutADefaultWorkloadAMissingOneIsMalformed() {
    MalformedScaleEventException e =
        malformed(
            ScaleEventDecoder.strict(),
            Map.of("type", "scale_up", "pod_count", "3", "task_id", "t"));
    assertThat(e.field()).contains("workload");
    assertThat(e).hasMessageContaining("no default workload is configured");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new ScaleEventDecoder(Optional.of(" "), 5))
        .hasMessageContaining("defaultWorkload is blank");
    assertThatThrownBy(() -> ScaleEventDecoder.strict().withMaxPodCount(0))
        .hasMessageContaining("maxPodCount must be > 0, got 0");
  }

  @Test
  void controlCharactersInMessagesAreEscaped() {
    assertThat(malformed(DECODER, Map.of("type", "scale\nup", "pod_count", "3", "task_id", "t")))
        .hasMessageContaining("got \"scale\\u000aup\"");
  }
}
