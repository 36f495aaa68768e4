package io.ecokube.power.wol;

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
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.ManualClock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sends real magic packets to a UDP listener on 127.0.0.1 (never anywhere else). */
class WakeOnLanDriverTest {
  private static final String NODE = "worker-2";
  private static final String MAC_HEX = "0a1b2c3d4e5f";
  private static final byte[] SENTINEL = {42};

  private DatagramSocket listener;

  @BeforeEach
  void listen() throws Exception {
    listener = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    listener.setSoTimeout(5_000);
  }

  @AfterEach
  void close() {
    listener.close();
  }

  private Map<String, String> loopback(String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("mac", "0a:1b:2c:3d:4e:5f");
    m.put("address", "127.0.0.1");
    m.put("port", Integer.toString(listener.getLocalPort()));
    m.put("interval", "1ms");
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  private static PowerDriver create(Map<String, String> values, Map<String, String> secrets) {
    DriverSettings settings = new DriverSettings(NODE, values, SecretResolver.inMemory(secrets));
    return new WakeOnLanDriverProvider()
        .create(new DriverContext(NODE, settings, new ManualClock()));
  }

  private static PowerDriver create(Map<String, String> values) {
    return create(values, Map.of());
  }

  private DatagramPacket receive() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[512], 512);
    listener.receive(p);
    return p;
  }

  private static byte[] payload(DatagramPacket p) {
    byte[] b = new byte[p.getLength()];
    System.arraycopy(p.getData(), p.getOffset(), b, 0, p.getLength());
    return b;
  }

  /** The expected packet, written out independently of {@link MagicPacket}. */
  private static byte[] expected(String passwordHex) {
    return HexFormat.of().parseHex("ffffffffffff" + MAC_HEX.repeat(16) + passwordHex);
  }

  /** Sends a marker after the driver returned: the next datagram after N packets must be it. */
  private void assertNoMorePackets() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.send(
          new DatagramPacket(
              SENTINEL, 1, InetAddress.getLoopbackAddress(), listener.getLocalPort()));
    }
    assertThat(payload(receive())).containsExactly(SENTINEL);
  }

  @Test
  void isFoundByServiceLoaderAndCanOnlyWake() {
    PowerDriverProvider provider =
        ServiceLoader.load(PowerDriverProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("wol"))
            .findFirst()
            .orElseThrow();
    try (PowerDriver driver =
        provider.create(
            new DriverContext(
                NODE,
                new DriverSettings(NODE, loopback(), SecretResolver.inMemory(Map.of())),
                new ManualClock()))) {
      assertThat(driver.name()).isEqualTo("wol");
      assertThat(driver.capabilities()).containsExactly(PowerCapability.POWER_ON);
    }
  }

  @Test
  void sendsTheMagicPacketByteForByteTheConfiguredNumberOfTimes() throws Exception {
    try (PowerDriver driver = create(loopback("repeat", "4"))) {
      driver.powerOn();
    }
    for (int i = 0; i < 4; i++) {
      DatagramPacket p = receive();
      assertThat(payload(p)).as("packet %d", i).containsExactly(expected(""));
    }
    assertNoMorePackets();
  }

  @Test
  void defaultsToThreePackets() throws Exception {
    Map<String, String> values = loopback();
    values.remove("interval");
    try (PowerDriver driver = create(values)) {
      driver.powerOn();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(payload(receive())).containsExactly(expected(""));
    }
    assertNoMorePackets();
  }

  @Test
  void pausesTheIntervalBetweenRepeatsButNotAfterTheLast() throws Exception {
    DriverSettings settings =
        new DriverSettings(
            NODE, loopback("repeat", "3", "interval", "250ms"), SecretResolver.inMemory(Map.of()));
    List<Duration> pauses = new ArrayList<>();
    PowerDriver driver = new WakeOnLanDriver(NODE, WolSettings.from(settings), pauses::add);
    driver.powerOn();
    assertThat(pauses).containsExactly(Duration.ofMillis(250), Duration.ofMillis(250));
    for (int i = 0; i < 3; i++) {
      receive();
    }
    assertNoMorePackets();
  }

  @Test
  void appendsASixByteSecureOnPassword() throws Exception {
    try (PowerDriver driver =
        create(
            loopback("repeat", "1", "secureon-password", "mem:wol"),
            Map.of("mem:wol", "01-02-03-04-05-06"))) {
      driver.powerOn();
    }
    byte[] got = payload(receive());
    assertThat(got).hasSize(108).containsExactly(expected("010203040506"));
  }

  @Test
  void appendsAFourBytePassword() throws Exception {
    try (PowerDriver driver =
        create(
            loopback("repeat", "1", "secureon-password", "mem:wol"),
            Map.of("mem:wol", "192.168.0.1"))) {
      driver.powerOn();
    }
    assertThat(payload(receive())).hasSize(106).containsExactly(expected("c0a80001"));
  }

  @Test
  void badPasswordIsRejectedWithoutShowingIt() {
    assertThatThrownBy(
            () ->
                create(
                    loopback("secureon-password", "mem:wol"), Map.of("mem:wol", "hunter2-secret")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("worker-2")
        .hasMessageContaining("secureon-password")
        .hasMessageContaining("mem:wol")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void sendsFromTheConfiguredSourceAddressOrInterface() throws Exception {
    try (PowerDriver driver = create(loopback("repeat", "1", "source-address", "127.0.0.1"))) {
      driver.powerOn();
    }
    assertThat(receive().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    try (PowerDriver driver = create(loopback("repeat", "1", "source-interface", "lo"))) {
      driver.powerOn();
    }
    assertThat(receive().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void missingSourceInterfaceIsAConfigurationErrorAtSendTime() {
    PowerDriver driver = create(loopback("source-interface", "nosuchif0"));
    assertThatThrownBy(driver::powerOn)
        .isInstanceOfSatisfying(
            PowerException.class,
            e -> assertThat(e.kind()).isEqualTo(PowerException.Kind.CONFIGURATION))
        .hasMessageContaining("nosuchif0")
        .hasMessageContaining("worker-2");
  }

  @Test
  void cannotPowerOffOrReadState() {
    PowerDriver driver = create(loopback());
    assertThatThrownBy(() -> driver.powerOff(PowerOffMode.GRACEFUL))
        .isInstanceOfSatisfying(
            PowerException.class,
            e -> assertThat(e.kind()).isEqualTo(PowerException.Kind.UNSUPPORTED));
    assertThatThrownBy(driver::readState)
        .isInstanceOfSatisfying(
            PowerException.class,
            e -> assertThat(e.kind()).isEqualTo(PowerException.Kind.UNSUPPORTED));
  }

  @Test
  void badMacNamesNodeAndValue() {
    assertThatThrownBy(() -> create(loopback("mac", "zz:11:22:33:44:55")))
        .isInstanceOfSatisfying(
            DriverSettingsException.class,
            e -> {
              assertThat(e.node()).isEqualTo("worker-2");
              assertThat(e.key()).isEqualTo("mac");
            })
        .hasMessageContaining("'zz:11:22:33:44:55'")
        .hasMessageContaining("aa:bb:cc:dd:ee:ff");
    Map<String, String> noMac = loopback();
    noMac.remove("mac");
    assertThatThrownBy(() -> create(noMac))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("'mac'")
        .hasMessageContaining("required");
  }

  @Test
  void rejectsOutOfRangeSettings() {
    assertThatThrownBy(() -> create(loopback("port", "0")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> create(loopback("repeat", "21")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("repeat");
    assertThatThrownBy(() -> create(loopback("interval", "10s")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> create(loopback("address", "300.1.1.1")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("'300.1.1.1'");
    assertThatThrownBy(
            () -> create(loopback("source-address", "127.0.0.1", "source-interface", "lo")))
        .isInstanceOf(DriverSettingsException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void defaultsToTheLimitedBroadcastAddressOnPortNine() {
    Map<String, String> values = new HashMap<>(Map.of("mac", "0a:1b:2c:3d:4e:5f"));
    // Built but never used to send: tests send only to 127.0.0.1.
    PowerDriver driver = create(values);
    assertThat(driver.toString()).contains("udp://255.255.255.255:9");
  }
}
