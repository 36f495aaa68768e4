package io.ecokube.power.redfish;

import io.ecokube.api.secret.Secret;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.time.Duration;

/** Settings that reach an emulator: its certificate trusted through the PEM file. */
final class Fixtures {
  static final String NODE = "worker-1";

  private Fixtures() {}

  static RedfishSettings.Builder settings(RedfishEmulator em) {
    return RedfishSettings.builder(
            em.endpoint(),
            RedfishEmulator.USER,
            Secret.of(RedfishEmulator.PASSWORD, "env:BMC_PASSWORD"))
        .trustStore(TestTls.get().pem())
        .requestTimeout(Duration.ofSeconds(10));
  }
}
