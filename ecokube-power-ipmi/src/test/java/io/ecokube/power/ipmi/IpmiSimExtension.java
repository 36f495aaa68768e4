package io.ecokube.power.ipmi;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link IpmiSim} before a test class, turns its machine off before each test and stops
 * it after the class. Register it as a static field with {@code @RegisterExtension}.
 */
final class IpmiSimExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  private IpmiSim sim;

  /** The running simulator. */
  IpmiSim sim() {
    if (sim == null) {
      throw new IllegalStateException("the simulator runs only inside the test class");
    }
    return sim;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sim = IpmiSim.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    sim.reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (sim != null) {
      sim.close();
      sim = null;
    }
  }
}
