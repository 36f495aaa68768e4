package io.ecokube.test;

import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import java.util.Objects;
import java.util.Set;

/**
 * A driver that hands every call to another; subclasses override the calls they watch or extend
 * (the demo waits for a wake's packet to land before virtual time moves on).
 */
public abstract class ForwardingPowerDriver implements PowerDriver {
  private final PowerDriver delegate;

  /** Forwards every call to {@code delegate}. */
  protected ForwardingPowerDriver(PowerDriver delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public Set<PowerCapability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public void powerOn() throws PowerException {
    delegate.powerOn();
  }

  @Override
  public void powerOff(PowerOffMode mode) throws PowerException {
    delegate.powerOff(mode);
  }

  @Override
  public PowerState readState() throws PowerException {
    return delegate.readState();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
