package io.ecokube.core.driver;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A wake-only test driver registered through ServiceLoader (src/test/resources), so registry and
 * config tests see a provider found on the class path. It validates a {@code mac} setting the way a
 * Wake-on-LAN driver does and counts how many drivers it built and closed.
 */
public final class MacDriverProvider implements PowerDriverProvider {
  static final AtomicInteger CREATED = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public String name() {
    return "mac-test";
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of("mac", "password");
  }

  @Override
  public PowerDriver create(DriverContext context) {
    String mac = context.settings().requireString("mac");
    if (!mac.matches("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")) {
      throw context
          .settings()
          .error("mac", "'" + mac + "' is not a MAC address; use aa:bb:cc:dd:ee:ff");
    }
    context.settings().secret("password");
    CREATED.incrementAndGet();
    return new PowerDriver() {
      private boolean closed;

      @Override
      public String name() {
        return "mac-test";
      }

      @Override
      public Set<PowerCapability> capabilities() {
        return Set.of(PowerCapability.POWER_ON);
      }

      @Override
      public void powerOn() {}

      @Override
      public void powerOff(PowerOffMode mode) throws PowerException {
        throw new PowerException(PowerException.Kind.UNSUPPORTED, context.node(), mac, "wake only");
      }

      @Override
      public PowerState readState() throws PowerException {
        throw new PowerException(PowerException.Kind.UNSUPPORTED, context.node(), mac, "wake only");
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          CLOSED.incrementAndGet();
        }
      }
    };
  }
}
