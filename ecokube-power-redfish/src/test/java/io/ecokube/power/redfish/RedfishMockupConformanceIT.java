package io.ecokube.power.redfish;

import static io.ecokube.power.redfish.Fixtures.NODE;
import static io.ecokube.power.redfish.Fixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerReading;
import io.ecokube.api.power.PowerState;
import io.ecokube.power.redfish.emulator.RedfishEmulator;
import io.ecokube.power.redfish.emulator.TestTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks every DMTF mockup under {@code ${ecokube.shared.dir}/redfish/}, serves it from the
 * emulator, and checks that the driver finds each ComputerSystem, its allowed ResetTypes and its
 * power state as the mockup's files state them, powers it off and on, and reads the chassis power
 * the files publish. A service without Systems (the PDU) must fail clearly.
 */
class RedfishMockupConformanceIT {

  /** What the mockup's files say about one system, read without the driver. */
  private record Expected(
      String path, String id, String powerState, List<String> resetTypes, Optional<Double> watts) {}

  private static Path mockupRoot() {
    String shared = System.getProperty("ecokube.shared.dir", "../shared");
    return Path.of(shared, "redfish");
  }

  @TestFactory
  Stream<DynamicTest> everyMockupConforms() throws IOException {
    Path root = mockupRoot();
    assumeTrue(
        Files.isDirectory(root),
        "skipped: no Redfish mockups at "
            + root.toAbsolutePath()
            + " (set -Decokube.shared.dir to the folder holding redfish/<mockup>/index.json)");
    List<Path> mockups;
    try (Stream<Path> dirs = Files.list(root)) {
      mockups =
          dirs.filter(d -> Files.isRegularFile(d.resolve("index.json")))
              .sorted()
              .collect(Collectors.toList());
    }
    assumeTrue(!mockups.isEmpty(), "skipped: " + root + " holds no mockup folder");
    assertThat(mockups.stream().map(p -> p.getFileName().toString()))
        .as("the mockups the issue names")
        .contains("public-rackmount1", "public-bladed", "public-tower", "public-telemetry");
    return mockups.stream()
        .map(m -> DynamicTest.dynamicTest(m.getFileName().toString(), () -> conforms(m)));
  }

  private void conforms(Path folder) throws Exception {
    Map<String, ObjectNode> tree = RedfishEmulator.loadMockup(folder);
    List<Expected> expected = expectations(tree);
    VirtualSleeper sleeper = new VirtualSleeper();
    try (RedfishEmulator em = RedfishEmulator.start(TestTls.get(), tree)) {
      if (expected.isEmpty()) {
        try (RedfishDriver d =
            new RedfishDriver(NODE, settings(em).build(), sleeper.clock, sleeper)) {
          assertThatThrownBy(d::readState)
              .isInstanceOfSatisfying(
                  PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED))
              .hasMessageContaining("no Systems collection")
              .hasMessageContaining(NODE);
          assertThatThrownBy(d::powerOn).isInstanceOf(PowerException.class);
        }
        return;
      }
      if (expected.size() > 1) {
        try (RedfishDriver d =
            new RedfishDriver(NODE, settings(em).build(), sleeper.clock, sleeper)) {
          assertThatThrownBy(d::readState)
              .isInstanceOfSatisfying(
                  PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CONFIGURATION))
              .hasMessageContaining(expected.size() + " ComputerSystems");
          assertThat(d.systems())
              .extracting(RedfishSystem::id)
              .containsExactlyElementsOf(
                  expected.stream().map(Expected::id).collect(Collectors.toList()));
        }
      }
      for (Expected x : expected) {
        RedfishSettings.Builder b = settings(em);
        if (expected.size() > 1) {
          b.system(x.id());
        }
        try (RedfishDriver d = new RedfishDriver(NODE, b.build(), sleeper.clock, sleeper)) {
          RedfishSystem sys = d.system();
          assertThat(sys.uri()).isEqualTo(x.path());
          assertThat(sys.resetTypes()).as(x.id()).containsExactlyElementsOf(x.resetTypes());
          assertThat(d.readState()).as(x.id()).isEqualTo(mapState(x.powerState()));
          d.powerOff(PowerOffMode.GRACEFUL);
          assertThat(d.readState()).isEqualTo(PowerState.OFF);
          assertThat(em.powerState(x.path())).isEqualTo("Off");
          d.powerOn();
          assertThat(d.readState()).isEqualTo(PowerState.ON);
          assertThat(em.resets(x.path())).containsExactly("GracefulShutdown", "On");
          if (x.watts().isPresent()) {
            assertThat(d.readPower()).map(PowerReading::watts).contains(x.watts().get());
          } else {
            assertThatThrownBy(d::readPower)
                .isInstanceOfSatisfying(
                    PowerException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED));
          }
        }
      }
      assertThat(em.openSessions()).as("sessions left open").isEmpty();
    }
  }

  private static PowerState mapState(String redfish) {
    switch (redfish) {
      case "On":
        return PowerState.ON;
      case "Off":
        return PowerState.OFF;
      default:
        throw new AssertionError("mockup has PowerState " + redfish);
    }
  }

  /** Reads the mockup's systems straight from its files. */
  private static List<Expected> expectations(Map<String, ObjectNode> tree) {
    JsonNode root = tree.get("/redfish/v1");
    String systems = root.path("Systems").path("@odata.id").asText("");
    List<Expected> out = new ArrayList<>();
    if (systems.isBlank()) {
      return out;
    }
    for (JsonNode m : tree.get(strip(systems)).path("Members")) {
      String path = strip(m.path("@odata.id").asText());
      JsonNode sys = tree.get(path);
      JsonNode reset = sys.path("Actions").path("#ComputerSystem.Reset");
      List<String> types = new ArrayList<>();
      reset.path("ResetType@Redfish.AllowableValues").forEach(v -> types.add(v.asText()));
      String info = reset.path("@Redfish.ActionInfo").asText("");
      if (!info.isBlank()) {
        for (JsonNode p : tree.get(strip(info)).path("Parameters")) {
          if (p.path("Name").asText().equals("ResetType")) {
            p.path("AllowableValues").forEach(v -> types.add(v.asText()));
          }
        }
      }
      String chassis = strip(sys.path("Links").path("Chassis").path(0).path("@odata.id").asText());
      out.add(
          new Expected(
              path,
              sys.path("Id").asText(),
              sys.path("PowerState").asText(),
              types,
              watts(tree, chassis)));
    }
    return out;
  }

  private static Optional<Double> watts(Map<String, ObjectNode> tree, String chassisPath) {
    JsonNode chassis = tree.get(chassisPath);
    if (chassis == null) {
      return Optional.empty();
    }
    JsonNode em = tree.get(strip(chassis.path("EnvironmentMetrics").path("@odata.id").asText("")));
    if (em != null && em.path("PowerWatts").path("Reading").isNumber()) {
      return Optional.of(em.path("PowerWatts").path("Reading").asDouble());
    }
    JsonNode power = tree.get(strip(chassis.path("Power").path("@odata.id").asText("")));
    if (power != null) {
      for (JsonNode pc : power.path("PowerControl")) {
        if (pc.path("PowerConsumedWatts").isNumber()) {
          return Optional.of(pc.path("PowerConsumedWatts").asDouble());
        }
      }
    }
    return Optional.empty();
  }

  private static String strip(String p) {
    return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
  }
}
