package io.ecokube.core.engine;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** A driver under another name that counts the calls it forwards. */
final class CountingDriver implements PowerDriver {
  private final String name;
  private final PowerDriver delegate;
  private final AtomicInteger calls;

  CountingDriver(String name, PowerDriver delegate, AtomicInteger calls) {
    this.name = name;
    this.delegate = delegate;
    this.calls = calls;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void powerOn() throws PowerException {
    calls.incrementAndGet();
    delegate.powerOn();
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    calls.incrementAndGet();
    delegate.powerOff(mode);
  }

  @Override
  public PowerState readState() throws PowerException {
    calls.incrementAndGet();
    return delegate.readState();
  }
}
