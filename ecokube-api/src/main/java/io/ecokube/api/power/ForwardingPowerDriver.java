package io.ecokube.api.power;

import java.util.Objects;
import java.util.Set;

/**
 * A driver that hands every call to another; subclasses override the calls they watch, gate or
 * extend (the engine's leadership gate, the registry's closed-driver guard, a demo that waits for a
 * wake's packet to land).
 */
public abstract class ForwardingPowerDriver implements PowerDriver {
  private final PowerDriver delegate;

  /** Forwards every call to {@code delegate}. */
  protected ForwardingPowerDriver(PowerDriver delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The driver calls are handed to. */
  protected PowerDriver delegate() {
    return delegate;
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
