package io.ecokube.controller.testing;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The test driver {@code test-bmc} (on the test classpath only): a BMC that always answers, keeps
 * each node's machine state in memory and records every power call, so that a test of the shipped
 * controller can see which machine was switched and how.
 */
public final class RecordingBmcProvider implements PowerDriverProvider {
  private static final Map<String, PowerState> MACHINES = new ConcurrentHashMap<>();
  private static final List<String> CALLS = new CopyOnWriteArrayList<>();

  /** Every power call so far, as {@code "<node> on"} or {@code "<node> off <mode>"}. */
  public static List<String> calls() {
    return List.copyOf(CALLS);
  }

  /** Forgets every machine and call (each test starts with machines that are on). */
  public static void reset() {
    MACHINES.clear();
    CALLS.clear();
  }

  @Override
  public String name() {
    return "test-bmc";
  }

  @Override
  public PowerDriver create(DriverContext context) {
    String node = context.node();
    return new PowerDriver() {
      @Override
      public String name() {
        return "test-bmc";
      }

      @Override
      public Set<PowerCapability> capabilities() {
        return EnumSet.of(
            PowerCapability.POWER_ON,
            PowerCapability.READ_STATE,
            PowerCapability.POWER_OFF_GRACEFUL,
            PowerCapability.POWER_OFF_FORCED);
      }

      @Override
      public void powerOn() {
        CALLS.add(node + " on");
        MACHINES.put(node, PowerState.ON);
      }

      @Override
      public void powerOff(PowerOffMode mode) {
        CALLS.add(node + " off " + mode);
        MACHINES.put(node, PowerState.OFF);
      }

      @Override
      public PowerState readState() {
        return MACHINES.getOrDefault(node, PowerState.ON);
      }
    };
  }
}
