package io.ecokube.examples.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptPowerDriverTest {
  @TempDir Path dir;

  private static PowerDriver driver(Map<String, String> settings, Map<String, String> secrets) {
    DriverSettings s = new DriverSettings("rack-3", settings, SecretResolver.inMemory(secrets));
    return new ScriptPowerDriverProvider()
        .create(new DriverContext("rack-3", s, new ManualClock()));
  }

  @Test
  void isFoundThroughServiceLoaderByName() {
    assertThat(ServiceLoader.load(PowerDriverProvider.class).stream().map(p -> p.get().name()))
        .contains("script");
  }

  @Test
  void commandsPowerTheMachineAndStatusReadsIt() throws Exception {
    Path state = dir.resolve("state");
    Files.writeString(state, "off");
    PowerDriver d =
        driver(
            Map.of(
                "on", "echo on > " + state,
                "off", "echo off > " + state,
                "force-off",
                    "echo off > " + state + "; echo forced:$ECOKUBE_NODE > " + dir.resolve("log"),
                "status", "cat " + state),
            Map.of());
    assertThat(d.capabilities()).containsExactlyInAnyOrder(PowerCapability.values());
    assertThat(d.readState()).isEqualTo(PowerState.OFF);
    d.powerOn();
    assertThat(d.readState()).isEqualTo(PowerState.ON);
    d.powerOff(PowerOffMode.GRACEFUL);
    assertThat(d.readState()).isEqualTo(PowerState.OFF);
    d.powerOn();
    d.powerOff(PowerOffMode.FORCED);
    assertThat(Files.readString(dir.resolve("log")).trim()).isEqualTo("forced:rack-3");
  }

  @Test
  void capabilitiesAreTheCommandsGivenAndOthersAreUnsupported() {
    PowerDriver d = driver(Map.of("on", "true"), Map.of());
    assertThat(d.capabilities()).containsExactly(PowerCapability.POWER_ON);
    assertThatThrownBy(() -> d.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOf(PowerException.class)
        .satisfies(
            e -> assertThat(((PowerException) e).kind()).isEqualTo(PowerException.Kind.UNSUPPORTED))
        .hasMessageContaining("no 'off' command is configured");
  }

  @Test
  void failuresAreTypedAndSayWhatHappened() {
    PowerDriver failing = driver(Map.of("on", "echo 'plug 7 not found' >&2; exit 3"), Map.of());
    assertThatThrownBy(failing::powerOn)
        .isInstanceOf(PowerException.class)
        .hasMessage(
            "PROTOCOL: node 'rack-3' at on command: exited with status 3: plug 7 not found");
    PowerDriver slow = driver(Map.of("on", "exec sleep 30", "timeout", "300ms"), Map.of());
    assertThatThrownBy(slow::powerOn)
        .isInstanceOf(PowerException.class)
        .satisfies(
            e -> assertThat(((PowerException) e).kind()).isEqualTo(PowerException.Kind.TIMEOUT));
    PowerDriver chatty = driver(Map.of("status", "echo maybe"), Map.of());
    assertThatThrownBy(chatty::readState).hasMessageContaining("must print exactly 'on' or 'off'");
  }

  @Test
  void secretsReachTheCommandButNeverMessages() throws Exception {
    Path out = dir.resolve("seen");
    PowerDriver d =
        driver(
            Map.of(
                "on",
                "printf %s \"$PLUG_TOKEN\" > "
                    + out
                    + "; echo \"bad token $PLUG_TOKEN\" >&2; exit 1",
                "secret-env.PLUG_TOKEN",
                "mem:plug"),
            Map.of("mem:plug", "s3cr3t-token"));
    assertThatThrownBy(d::powerOn).isInstanceOf(PowerException.class);
    assertThat(Files.readString(out)).isEqualTo("s3cr3t-token");
    assertThat(d.toString()).doesNotContain("s3cr3t-token").contains("PLUG_TOKEN");
  }

  @Test
  void badSettingsNameNodeAndKey() {
    assertThatThrownBy(() -> driver(Map.of(), Map.of()))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessage(
            "node 'rack-3': power setting 'on': the script driver needs at least one of on, off,"
                + " force-off, status");
    assertThatThrownBy(() -> driver(Map.of("on", "true", "tiemout", "5s"), Map.of()))
        .hasMessageContaining("power setting 'tiemout': unknown setting");
    assertThatThrownBy(() -> driver(Map.of("on", "true", "timeout", "soon"), Map.of()))
        .hasMessageContaining("'soon' is not a positive duration");
    assertThatThrownBy(() -> driver(Map.of("on", "true", "secret-env.TOKEN", "hunter2"), Map.of()))
        .hasMessageContaining("not a secret reference")
        .hasMessageNotContaining("hunter2");
  }
}
