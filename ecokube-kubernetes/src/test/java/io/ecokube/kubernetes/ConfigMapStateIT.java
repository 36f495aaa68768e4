package io.ecokube.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigMapStateIT {
  private final FakeApiServer api = new FakeApiServer();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void nothingStoredThenWrittenThenReadBackByAnotherInstance() throws Exception {
    ConfigMapState first = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    assertThat(first.load()).isEmpty();
    first.save(Map.of("ledger.actual.joules", "10500.0"));
    first.save(Map.of("ledger.actual.joules", "11000.0"));
    ConfigMapState restarted = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    assertThat(restarted.load()).contains(Map.of("ledger.actual.joules", "11000.0"));
  }

  @Test
  void twoWritersCannotBothWin() throws Exception {
    ConfigMapState a = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    ConfigMapState b = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    a.load();
    a.save(Map.of("k", "a1"));
    b.load();
    b.save(Map.of("k", "b1"));
    assertThatThrownBy(() -> a.save(Map.of("k", "a2")))
        .isInstanceOf(ConfigMapState.StateConflictException.class)
        .hasMessageContaining("ecokube/ecokube-state was changed by another writer");
    assertThat(new ConfigMapState(api.client, "ecokube", "ecokube-state").load())
        .contains(Map.of("k", "b1"));
    // After reading again the writer may go on.
    a.load();
    a.save(Map.of("k", "a3"));
    assertThat(b.load()).contains(Map.of("k", "a3"));
  }

  @Test
  void aWriterKnowsWhatItLastReadOrWrote() throws Exception {
    ConfigMapState a = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    assertThat(a.known()).isEmpty();
    a.load();
    a.save(Map.of("budget.spent", "3.5"));
    assertThat(a.known()).containsExactly(Map.entry("budget.spent", "3.5"));
    ConfigMapState b = new ConfigMapState(api.client, "ecokube", "ecokube-state");
    b.load();
    assertThat(b.known()).containsExactly(Map.entry("budget.spent", "3.5"));
  }
}
