package io.ecokube.power.ipmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.time.ManualClock;
import io.ecokube.api.time.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Command spacing across drivers, against one ipmi_sim on virtual time: the drivers one provider
 * creates for nodes behind the same BMC take turns, while a second provider's drivers have pacing
 * of their own. Every wait advances the manual clock instead of sleeping, and is recorded.
 */
class PacingIT {
  @RegisterExtension static IpmiSimExtension bmc = new IpmiSimExtension();

  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration IDLE = Duration.ofMillis(400);

  final ManualClock clock = new ManualClock();
  final List<Duration> waits = new ArrayList<>();
  final Sleeper sleeper =
      d -> {
        waits.add(d);
        clock.advance(d);
      };

  @Test
  void driversOfOneProviderForTheSameBmcTakeTurns() throws Exception {
    IpmiPowerDriverProvider provider = new IpmiPowerDriverProvider(sleeper);
    try (IpmiPowerDriver a = create(provider, "node-a");
        IpmiPowerDriver b = create(provider, "node-b")) {
      assertThat(a.readState()).isEqualTo(PowerState.OFF);
      clock.advance(IDLE);
      waits.clear();
      assertThat(b.readState()).isEqualTo(PowerState.OFF);
      // b's first request went out one interval after a's last one, not at once.
      assertThat(waits).first().isEqualTo(INTERVAL.minus(IDLE));
    }
  }

  @Test
  void driversOfTwoProvidersDoNotWaitForEachOther() throws Exception {
    try (IpmiPowerDriver a = create(new IpmiPowerDriverProvider(sleeper), "node-a");
        IpmiPowerDriver c = create(new IpmiPowerDriverProvider(sleeper), "node-c")) {
      assertThat(a.readState()).isEqualTo(PowerState.OFF);
      clock.advance(IDLE);
      waits.clear();
      assertThat(c.readState()).isEqualTo(PowerState.OFF);
      // c's pacer knows only c's requests: its first one went at once, each later one waited a
      // whole interval after c's previous one; none waited for the rest of a's interval.
      assertThat(waits).isNotEmpty().containsOnly(INTERVAL);
    }
  }

  private IpmiPowerDriver create(IpmiPowerDriverProvider provider, String node) {
    Map<String, String> overrides =
        Map.of("minCommandInterval", INTERVAL.toMillis() + "ms", "cipherSuites", "3");
    return (IpmiPowerDriver)
        provider.create(
            new DriverContext(node, Drivers.settings(node, bmc.sim(), overrides), clock));
  }
}
