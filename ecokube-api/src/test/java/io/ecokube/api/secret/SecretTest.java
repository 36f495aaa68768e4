package io.ecokube.api.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
  @Test
  void referencesParseAndResolveFromFilesAndEnvironment(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("bmc-pass");
    Files.writeString(f, "from-file\n");
    SecretResolver r = SecretResolver.standard(Map.of("BMC", "from-env")::get);
    assertThat(r.resolve(SecretRef.parse("file:" + f)).revealAsString()).isEqualTo("from-file");
    assertThat(r.resolve(SecretRef.parse("ENV:BMC")).revealAsString()).isEqualTo("from-env");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("env:NOPE")))
        .hasMessageContaining("environment variable NOPE is not set");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("file:" + dir.resolve("none"))))
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> r.resolve(SecretRef.parse("vault:x")))
        .hasMessageContaining("unknown secret scheme 'vault'");
  }

  @Test
  void textThatIsNotAReferenceIsRefusedWithoutBeingRepeated() {
    assertThatThrownBy(() -> SecretRef.parse("correct horse battery"))
        .hasMessageContaining("not a secret reference")
        .hasMessageNotContaining("horse");
    assertThatThrownBy(() -> SecretRef.parse("p@ss:word")).hasMessageNotContaining("word");
  }

  @Test
  void secretsNeverShowTheirValue() {
    Secret s = Secret.of("hunter2", "env:X");
    assertThat(s.toString()).isEqualTo("Secret[env:X, ****]");
    byte[] copy = s.reveal();
    copy[0] = 'X';
    assertThat(s.revealAsString()).isEqualTo("hunter2");
  }
}
