package io.ecokube.power.wol;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated settings of the Wake-on-LAN driver for one node. Built only from {@link
 * DriverSettings}; the keys and defaults are the constants below and the module's README.
 */
record WolSettings(
    MacAddress mac,
    String address,
    int port,
    int repeat,
    Duration interval,
    Optional<String> sourceAddress,
    Optional<String> sourceInterface,
    Optional<SecureOnPassword> password) {

  static final String MAC = "mac";
  static final String ADDRESS = "address";
  static final String PORT = "port";
  static final String REPEAT = "repeat";
  static final String INTERVAL = "interval";
  static final String SOURCE_ADDRESS = "source-address";
  static final String SOURCE_INTERFACE = "source-interface";
  static final String SECUREON_PASSWORD = "secureon-password";

  static final String DEFAULT_ADDRESS = "255.255.255.255";

  /** Every setting key of this driver, declared to the registry so that typos are rejected. */
  public static final Set<String> KEYS =
      Set.of(
          MAC,
          ADDRESS,
          PORT,
          REPEAT,
          INTERVAL,
          SOURCE_ADDRESS,
          SOURCE_INTERFACE,
          SECUREON_PASSWORD,
          DEFAULT_ADDRESS);

  static final int DEFAULT_PORT = 9;
  static final int DEFAULT_REPEAT = 3;
  static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
  static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
  static final int MAX_REPEAT = 20;

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

  /** Reads and validates the settings; errors name the node, the key and the value. */
  static WolSettings from(DriverSettings s) {
    String rawMac = s.requireString(MAC);
    MacAddress mac =
        MacAddress.parse(rawMac)
            .orElseThrow(
                () ->
                    s.error(
                        MAC,
                        "'"
                            + rawMac
                            + "' is not a MAC address; use aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff,"
                            + " aabb.ccdd.eeff or aabbccddeeff"));
    String address = s.string(ADDRESS, DEFAULT_ADDRESS);
    checkHost(s, ADDRESS, address, true);
    int port = s.integer(PORT, DEFAULT_PORT, 1, 65535);
    int repeat = s.integer(REPEAT, DEFAULT_REPEAT, 1, MAX_REPEAT);
    Duration interval = s.duration(INTERVAL, DEFAULT_INTERVAL);
    if (interval.compareTo(MAX_INTERVAL) > 0) {
      throw s.error(
          INTERVAL,
          "'"
              + s.requireString(INTERVAL)
              + "' is too long; allowed up to "
              + MAX_INTERVAL.toMillis()
              + "ms, since every call must finish quickly");
    }
    Optional<String> sourceAddress = s.string(SOURCE_ADDRESS);
    sourceAddress.ifPresent(a -> checkHost(s, SOURCE_ADDRESS, a, false));
    Optional<String> sourceInterface = s.string(SOURCE_INTERFACE);
    if (sourceInterface.isPresent() && !INTERFACE.matcher(sourceInterface.get()).matches()) {
      throw s.error(
          SOURCE_INTERFACE,
          "'" + sourceInterface.get() + "' is not a network interface name; use e.g. eth0");
    }
    if (sourceAddress.isPresent() && sourceInterface.isPresent()) {
      throw s.error(
          SOURCE_INTERFACE,
          "set either " + SOURCE_ADDRESS + " or " + SOURCE_INTERFACE + ", not both");
    }
    Optional<SecureOnPassword> password =
        s.secret(SECUREON_PASSWORD)
            .map(
                secret ->
                    SecureOnPassword.parse(secret.revealAsString())
                        .orElseThrow(
                            () ->
                                // The value is a secret: name where it came from, never what it is.
                                s.error(
                                    SECUREON_PASSWORD,
                                    "the secret in "
                                        + secret.source()
                                        + " is not a SecureOn password; it must hold 6 bytes"
                                        + " (aa:bb:cc:dd:ee:ff) or 4 bytes (a.b.c.d or 8 hex"
                                        + " digits)")));
    return new WolSettings(
        mac, address, port, repeat, interval, sourceAddress, sourceInterface, password);
  }

  /** Checks syntax only: resolving a name is network I/O, which happens at send time. */
  private static void checkHost(DriverSettings s, String key, String value, boolean allowName) {
    if (IPV4.matcher(value).matches()) {
      for (String octet : value.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw badHost(s, key, value, allowName);
        }
      }
      return;
    }
    if (value.contains(":")) {
      if (!value.matches("[0-9A-Fa-f:.]+")) {
        throw badHost(s, key, value, allowName);
      }
      return;
    }
    if (!allowName || !HOSTNAME.matcher(value).matches() || value.length() > 253) {
      throw badHost(s, key, value, allowName);
    }
  }

  private static DriverSettingsException badHost(
      DriverSettings s, String key, String value, boolean allowName) {
    return s.error(
        key,
        "'"
            + value
            + "' is not "
            + (allowName ? "an IP address or host name" : "an IP address")
            + "; use e.g. 192.168.1.255");
  }
}
