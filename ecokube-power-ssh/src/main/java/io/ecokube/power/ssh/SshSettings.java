package io.ecokube.power.ssh;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.secret.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated settings of the SSH driver for one node. Built only from {@link DriverSettings};
 * keys and defaults are the constants below and the module's README.
 */
record SshSettings(
    String host,
    int port,
    String user,
    Optional<Path> privateKey,
    Optional<Secret> privateKeyPassphrase,
    Optional<Secret> password,
    Path knownHosts,
    boolean strictHostKeyChecking,
    String command,
    String forcedCommand,
    Duration connectTimeout,
    Duration commandTimeout,
    Duration probeTimeout,
    int offAfterFailedProbes,
    Duration shutdownGrace) {

  static final String HOST = "host";
  static final String PORT = "port";
  static final String USER = "user";
  static final String PRIVATE_KEY = "private-key";
  static final String PRIVATE_KEY_PASSPHRASE = "private-key-passphrase";
  static final String PASSWORD = "password";
  static final String KNOWN_HOSTS = "known-hosts";
  static final String STRICT_HOST_KEY_CHECKING = "strict-host-key-checking";
  static final String COMMAND = "command";
  static final String FORCED_COMMAND = "forced-command";
  static final String CONNECT_TIMEOUT = "connect-timeout";
  static final String COMMAND_TIMEOUT = "command-timeout";
  static final String PROBE_TIMEOUT = "probe-timeout";
  static final String OFF_AFTER_FAILED_PROBES = "off-after-failed-probes";
  static final String SHUTDOWN_GRACE = "shutdown-grace";

  static final String DEFAULT_COMMAND = "sudo systemctl poweroff";
  static final String DEFAULT_FORCED_COMMAND = "sudo systemctl poweroff --force --force";

  /** Every setting key of this driver, declared to the registry so that typos are rejected. */
  public static final Set<String> KEYS =
      Set.of(
          HOST,
          PORT,
          USER,
          PRIVATE_KEY,
          PRIVATE_KEY_PASSPHRASE,
          PASSWORD,
          KNOWN_HOSTS,
          STRICT_HOST_KEY_CHECKING,
          COMMAND,
          FORCED_COMMAND,
          CONNECT_TIMEOUT,
          COMMAND_TIMEOUT,
          PROBE_TIMEOUT,
          OFF_AFTER_FAILED_PROBES,
          SHUTDOWN_GRACE,
          DEFAULT_COMMAND,
          DEFAULT_FORCED_COMMAND);

  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(2);
  static final int DEFAULT_OFF_AFTER_FAILED_PROBES = 3;
  static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofMinutes(2);
  static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  private static final Pattern HOST_SYNTAX = Pattern.compile("[A-Za-z0-9._:%-]+");
  private static final Pattern USER_SYNTAX = Pattern.compile("[A-Za-z0-9._][A-Za-z0-9._@-]*");

  /** Reads and validates the settings; errors name the node, the key and the value. */
  static SshSettings from(DriverSettings s) {
    String host = s.requireString(HOST);
    if (!HOST_SYNTAX.matcher(host).matches()) {
      throw s.error(HOST, "'" + host + "' is not a host name or IP address");
    }
    int port = s.integer(PORT, 22, 1, 65535);
    String user = s.requireString(USER);
    if (!USER_SYNTAX.matcher(user).matches()) {
      throw s.error(USER, "'" + user + "' is not a user name");
    }
    Optional<Path> privateKey = s.string(PRIVATE_KEY).map(SshSettings::expandHome);
    Optional<Secret> passphrase = s.secret(PRIVATE_KEY_PASSPHRASE);
    Optional<Secret> password = s.secret(PASSWORD);
    if (privateKey.isEmpty() && password.isEmpty()) {
      throw s.error(
          PRIVATE_KEY,
          "set "
              + PRIVATE_KEY
              + " (path to an OpenSSH private key) or "
              + PASSWORD
              + " (a file: or env: reference); neither is set");
    }
    if (passphrase.isPresent() && privateKey.isEmpty()) {
      throw s.error(PRIVATE_KEY_PASSPHRASE, "is set but " + PRIVATE_KEY + " is not");
    }
    Path knownHosts =
        expandHome(s.string(KNOWN_HOSTS, System.getProperty("user.home") + "/.ssh/known_hosts"));
    boolean strict = s.bool(STRICT_HOST_KEY_CHECKING, true);
    String command = s.string(COMMAND, DEFAULT_COMMAND);
    String forcedCommand = s.string(FORCED_COMMAND, DEFAULT_FORCED_COMMAND);
    Duration connectTimeout = bounded(s, CONNECT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT);
    Duration commandTimeout = bounded(s, COMMAND_TIMEOUT, DEFAULT_COMMAND_TIMEOUT);
    Duration probeTimeout = bounded(s, PROBE_TIMEOUT, DEFAULT_PROBE_TIMEOUT);
    int offAfter = s.integer(OFF_AFTER_FAILED_PROBES, DEFAULT_OFF_AFTER_FAILED_PROBES, 1, 1000);
    Duration grace = s.duration(SHUTDOWN_GRACE, DEFAULT_SHUTDOWN_GRACE);
    return new SshSettings(
        host,
        port,
        user,
        privateKey,
        passphrase,
        password,
        knownHosts,
        strict,
        command,
        forcedCommand,
        connectTimeout,
        commandTimeout,
        probeTimeout,
        offAfter,
        grace);
  }

  /** Timeouts go to socket APIs as int milliseconds; an hour is far beyond any sane bound. */
  private static Duration bounded(DriverSettings s, String key, Duration defaultValue) {
    Duration d = s.duration(key, defaultValue);
    if (d.compareTo(MAX_TIMEOUT) > 0) {
      throw s.error(key, "'" + s.requireString(key) + "' is too long; allowed up to 1h");
    }
    return d;
  }

  private static Path expandHome(String p) {
    return p.equals("~") || p.startsWith("~/")
        ? Path.of(System.getProperty("user.home") + p.substring(1))
        : Path.of(p);
  }

  /** {@code user@host:port}, for messages; never credentials. */
  String endpoint() {
    return "ssh://" + user + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The host as OpenSSH writes it in known_hosts and on its command line. */
  String knownHostsName() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }

  /** Endpoint and host-key policy only: credentials stay out of logs. */
  @Override
  public String toString() {
    return "SshSettings["
        + endpoint()
        + ", known-hosts="
        + knownHosts
        + ", strict="
        + strictHostKeyChecking
        + "]";
  }
}
