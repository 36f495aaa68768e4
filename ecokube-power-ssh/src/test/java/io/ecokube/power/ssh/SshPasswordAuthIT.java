package io.ecokube.power.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password login against an in-JVM Apache MINA SSHD server on 127.0.0.1 (OpenSSH's root has none).
 */
class SshPasswordAuthIT {
  private static final String NODE = "worker-3";

  @TempDir Path dir;
  private SshServer server;
  private Path knownHosts;
  private final List<String> commands = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair hostKey = gen.generateKeyPair();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator((u, p, s) -> "operator".equals(u) && "open-sesame".equals(p));
    server.setCommandFactory((channel, command) -> new Recorder(command));
    server.start();
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(
        knownHosts,
        "[127.0.0.1]:"
            + server.getPort()
            + " "
            + PublicKeyEntry.toString(hostKey.getPublic())
            + "\n");
  }

  @AfterEach
  void stopServer() throws Exception {
    server.stop(true);
  }

  private final class Recorder implements Command {
    private final String command;
    private ExitCallback exit;

    Recorder(String command) {
      this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {}

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      commands.add(command);
      exit.onExit(0);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }

  private PowerDriver driver(String password) {
    Map<String, String> values =
        Map.of(
            "host", "127.0.0.1",
            "port", Integer.toString(server.getPort()),
            "user", "operator",
            "password", "env:NODE_PASSWORD",
            "known-hosts", knownHosts.toString());
    SecretResolver env = SecretResolver.standard(Map.of("NODE_PASSWORD", password)::get);
    return new SshPowerDriverProvider()
        .create(new DriverContext(NODE, new DriverSettings(NODE, values, env), new ManualClock()));
  }

  @Test
  void logsInWithAPasswordFromASecretReference() throws Exception {
    try (PowerDriver driver = driver("open-sesame")) {
      driver.powerOff(PowerOffMode.GRACEFUL);
      driver.powerOff(PowerOffMode.FORCED);
    }
    assertThat(commands)
        .containsExactly("sudo systemctl poweroff", "sudo systemctl poweroff --force --force");
  }

  @Test
  void aWrongPasswordIsAnAuthenticationFailureThatNamesTheReferenceOnly() {
    PowerDriver driver = driver("wrong-guess");
    assertThatThrownBy(() -> driver.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION))
        .hasMessageContaining("user 'operator' was refused")
        .hasMessageContaining("env:NODE_PASSWORD")
        .hasMessageNotContaining("wrong-guess")
        .hasMessageNotContaining("open-sesame");
    assertThat(commands).isEmpty();
  }
}
