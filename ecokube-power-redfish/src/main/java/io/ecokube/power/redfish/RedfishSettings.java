package io.ecokube.power.redfish;

import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.tls.TlsContextBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Validated settings of the Redfish driver for one node. Build them with {@link #builder} or read
 * them from a node's {@link DriverSettings} with {@link #from(DriverSettings)}; the setting keys
 * and defaults are listed in the module's README.
 *
 * @param endpoint the BMC's base URL, {@code https://host[:port]}, without path or credentials
 * @param username the Redfish account
 * @param password the account's password (never shown by {@code toString})
 * @param system which ComputerSystem to drive when the service has several: its Id, UUID, HostName
 *     or {@code @odata.id}
 * @param chassis which chassis the power meter reads (Id or {@code @odata.id}); by default the
 *     system's first linked chassis
 * @param authMode session, Basic, or session with Basic fallback
 * @param trustStore a PEM file or PKCS12 store holding the BMC's certificate or CA
 * @param trustStorePassword the PKCS12 store's password, when it has one
 * @param verifyTls false disables certificate and host name checks (logged as a warning)
 * @param tlsPins SHA-256 fingerprints (hex) one of which the BMC's own certificate must have, on
 *     top of the trust-store check; empty for no pinning
 * @param connectTimeout bound on opening a connection
 * @param requestTimeout bound on one HTTP exchange
 * @param operationTimeout bound on one driver call, retries and backoff included
 * @param maxRetries how many times a 409 or 503 answer is retried
 * @param retryBackoff the first backoff; it doubles per retry unless the BMC sends Retry-After
 * @param maxRetryBackoff the largest computed backoff
 * @param taskTimeout how long a reset's task monitor is followed
 * @param taskPollInterval the pause between task-monitor polls when the BMC suggests none
 */
public record RedfishSettings(
    URI endpoint,
    String username,
    Secret password,
    Optional<String> system,
    Optional<String> chassis,
    AuthMode authMode,
    Optional<Path> trustStore,
    Optional<Secret> trustStorePassword,
    boolean verifyTls,
    List<String> tlsPins,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration operationTimeout,
    int maxRetries,
    Duration retryBackoff,
    Duration maxRetryBackoff,
    Duration taskTimeout,
    Duration taskPollInterval) {

  /** Setting key: the BMC's base URL. */
  public static final String ENDPOINT = "endpoint";

  /** Setting key: the Redfish user name. */
  public static final String USERNAME = "username";

  /** Setting key: a secret reference to the password. */
  public static final String PASSWORD = "password";

  /** Setting key: the ComputerSystem selector. */
  public static final String SYSTEM = "system";

  /** Setting key: the chassis selector for the power meter. */
  public static final String CHASSIS = "chassis";

  /** Setting key: {@code auto}, {@code session} or {@code basic}. */
  public static final String AUTH = "auth";

  /** Setting key: path of a PEM or PKCS12 trust store. */
  public static final String TRUST_STORE = "trustStore";

  /** Setting key: a secret reference to the PKCS12 trust store's password. */
  public static final String TRUST_STORE_PASSWORD = "trustStorePassword";

  /** Setting key: {@code false} disables TLS verification. */
  public static final String TLS_VERIFY = "tlsVerify";

  /** Setting key: comma-separated SHA-256 fingerprints the BMC's certificate is pinned to. */
  public static final String TLS_PIN_SHA256 = "tlsPinSha256";

  /** Setting key: connect timeout. */
  public static final String CONNECT_TIMEOUT = "connectTimeout";

  /** Setting key: per-request timeout. */
  public static final String REQUEST_TIMEOUT = "requestTimeout";

  /** Setting key: per-operation timeout. */
  public static final String OPERATION_TIMEOUT = "operationTimeout";

  /** Setting key: retries on 409/503. */
  public static final String RETRIES = "retries";

  /** Setting key: first backoff. */
  public static final String RETRY_BACKOFF = "retryBackoff";

  /** Setting key: largest backoff. */
  public static final String RETRY_BACKOFF_MAX = "retryBackoffMax";

  /** Setting key: task-monitor timeout. */
  public static final String TASK_TIMEOUT = "taskTimeout";

  /** Setting key: task-monitor poll interval. */
  public static final String TASK_POLL_INTERVAL = "taskPollInterval";

  /** Every setting key of this driver, declared to the registry so that typos are rejected. */
  public static final Set<String> KEYS =
      Set.of(
          ENDPOINT,
          USERNAME,
          PASSWORD,
          SYSTEM,
          CHASSIS,
          AUTH,
          TRUST_STORE,
          TRUST_STORE_PASSWORD,
          TLS_VERIFY,
          CONNECT_TIMEOUT,
          REQUEST_TIMEOUT,
          OPERATION_TIMEOUT,
          RETRIES,
          RETRY_BACKOFF,
          RETRY_BACKOFF_MAX,
          TASK_TIMEOUT,
          TASK_POLL_INTERVAL);

  /** Validates the settings. */
  public RedfishSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(chassis, "chassis");
    Objects.requireNonNull(authMode, "authMode");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    tlsPins = List.copyOf(tlsPins);
    tlsPins.forEach(TlsContextBuilder.create()::pinSha256);
    if (!verifyTls && !tlsPins.isEmpty()) {
      throw new IllegalArgumentException(
          "TLS verification is off but certificate pins are given; drop one of them");
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    requirePositive(operationTimeout, "operationTimeout");
    requirePositive(retryBackoff, "retryBackoff");
    requirePositive(maxRetryBackoff, "maxRetryBackoff");
    requirePositive(taskTimeout, "taskTimeout");
    requirePositive(taskPollInterval, "taskPollInterval");
    String problem = endpointProblem(endpoint);
    if (problem != null) {
      throw new IllegalArgumentException("endpoint " + problem);
    }
    if (username.isBlank()) {
      throw new IllegalArgumentException("username must not be blank");
    }
    if (maxRetries < 0 || maxRetries > 20) {
      throw new IllegalArgumentException("maxRetries is " + maxRetries + "; allowed 0..20");
    }
    if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxRetryBackoff " + maxRetryBackoff + " is shorter than retryBackoff " + retryBackoff);
    }
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive; got " + d);
    }
  }

  /** What is wrong with an endpoint URL, or null when it is usable. */
  private static String endpointProblem(URI uri) {
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return "'" + uri + "' must use https (Redfish carries credentials)";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not contain credentials; use the username and password settings";
    }
    if (uri.getHost() == null) {
      return "'" + uri + "' has no host; use https://bmc.example:443";
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return "'"
          + uri
          + "' must be the BMC's base URL without a path, e.g. https://"
          + uri.getHost();
    }
    return null;
  }

  /** A builder with the required values; everything else has a secure default. */
  public static Builder builder(URI endpoint, String username, Secret password) {
    return new Builder(endpoint, username, password);
  }

  /**
   * Reads and validates a node's settings. Secret references are resolved here and the trust store
   * file is checked for existence; nothing touches the network.
   *
   * @throws DriverSettingsException naming the node, the key and what is allowed
   */
  public static RedfishSettings from(DriverSettings s) {
    String rawEndpoint = s.requireString(ENDPOINT);
    URI endpoint;
    try {
      endpoint = new URI(rawEndpoint);
    } catch (URISyntaxException e) {
      throw s.error(ENDPOINT, "'" + rawEndpoint + "' is not a URL; use https://bmc.example");
    }
    String problem = endpointProblem(endpoint);
    if (problem != null) {
      throw s.error(ENDPOINT, problem);
    }
    Builder b = builder(endpoint, s.requireString(USERNAME), s.requireSecret(PASSWORD));
    s.string(SYSTEM).ifPresent(b::system);
    s.string(CHASSIS).ifPresent(b::chassis);
    b.authMode(
        AuthMode.valueOf(
            s.oneOf(AUTH, "auto", Set.of("auto", "session", "basic")).toUpperCase(Locale.ROOT)));
    Optional<String> store = s.string(TRUST_STORE);
    if (store.isPresent()) {
      Path p = Path.of(store.get());
      if (!Files.isReadable(p)) {
        throw s.error(
            TRUST_STORE,
            "'" + p + "' does not exist or cannot be read; give a PEM file or PKCS12 store");
      }
      b.trustStore(p);
    }
    s.secret(TRUST_STORE_PASSWORD).ifPresent(b::trustStorePassword);
    b.verifyTls(s.bool(TLS_VERIFY, true));
    Optional<String> pins = s.string(TLS_PIN_SHA256);
    if (pins.isPresent()) {
      List<String> list = Arrays.stream(pins.get().split(",")).map(String::trim).toList();
      try {
        list.forEach(TlsContextBuilder.create()::pinSha256);
      } catch (IllegalArgumentException e) {
        throw s.error(TLS_PIN_SHA256, e.getMessage());
      }
      if (!s.bool(TLS_VERIFY, true)) {
        throw s.error(
            TLS_PIN_SHA256, "pins need TLS verification, but " + TLS_VERIFY + " is false");
      }
      b.tlsPins(list);
    }
    Builder d = new Builder(endpoint, "defaults", Secret.of("", "defaults"));
    b.connectTimeout(s.duration(CONNECT_TIMEOUT, d.connectTimeout));
    b.requestTimeout(s.duration(REQUEST_TIMEOUT, d.requestTimeout));
    b.operationTimeout(s.duration(OPERATION_TIMEOUT, d.operationTimeout));
    b.maxRetries(s.integer(RETRIES, d.maxRetries, 0, 20));
    Duration backoff = s.duration(RETRY_BACKOFF, d.retryBackoff);
    Duration backoffMax = s.duration(RETRY_BACKOFF_MAX, d.maxRetryBackoff);
    if (backoffMax.compareTo(backoff) < 0) {
      throw s.error(
          RETRY_BACKOFF_MAX,
          "'" + backoffMax + "' is shorter than " + RETRY_BACKOFF + " '" + backoff + "'");
    }
    b.retryBackoff(backoff).maxRetryBackoff(backoffMax);
    b.taskTimeout(s.duration(TASK_TIMEOUT, d.taskTimeout));
    b.taskPollInterval(s.duration(TASK_POLL_INTERVAL, d.taskPollInterval));
    return b.build();
  }

  /** Builds {@link RedfishSettings}; defaults are secure (TLS verified, session auth). */
  public static final class Builder {
    private final URI endpoint;
    private final String username;
    private final Secret password;
    private Optional<String> system = Optional.empty();
    private Optional<String> chassis = Optional.empty();
    private AuthMode authMode = AuthMode.AUTO;
    private Optional<Path> trustStore = Optional.empty();
    private Optional<Secret> trustStorePassword = Optional.empty();
    private boolean verifyTls = true;
    private List<String> tlsPins = List.of();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(20);
    private Duration operationTimeout = Duration.ofSeconds(90);
    private int maxRetries = 5;
    private Duration retryBackoff = Duration.ofSeconds(1);
    private Duration maxRetryBackoff = Duration.ofSeconds(30);
    private Duration taskTimeout = Duration.ofMinutes(5);
    private Duration taskPollInterval = Duration.ofSeconds(2);

    private Builder(URI endpoint, String username, Secret password) {
      this.endpoint = endpoint;
      this.username = username;
      this.password = password;
    }

    /** Selects the ComputerSystem by Id, UUID, HostName or {@code @odata.id}. */
    public Builder system(String selector) {
      this.system = Optional.of(selector);
      return this;
    }

    /** Selects the chassis the power meter reads, by Id or {@code @odata.id}. */
    public Builder chassis(String selector) {
      this.chassis = Optional.of(selector);
      return this;
    }

    /** Sets the authentication mode (default {@link AuthMode#AUTO}). */
    public Builder authMode(AuthMode mode) {
      this.authMode = mode;
      return this;
    }

    /** Trusts the certificates in a PEM file or PKCS12 store instead of the JDK's CAs. */
    public Builder trustStore(Path path) {
      this.trustStore = Optional.of(path);
      return this;
    }

    /** The PKCS12 trust store's password. */
    public Builder trustStorePassword(Secret secret) {
      this.trustStorePassword = Optional.of(secret);
      return this;
    }

    /** False disables certificate verification; only for labs, and logged as a warning. */
    public Builder verifyTls(boolean verify) {
      this.verifyTls = verify;
      return this;
    }

    /**
     * Pins the BMC's certificate: it must have one of these SHA-256 fingerprints (hex, colons
     * allowed) and still pass the trust-store check; two pins allow a certificate rotation.
     */
    public Builder tlsPins(List<String> sha256Fingerprints) {
      this.tlsPins = List.copyOf(sha256Fingerprints);
      return this;
    }

    /** Bound on opening a connection (default 5 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    /** Bound on one HTTP exchange (default 20 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    /** Bound on one driver call including retries (default 90 s). */
    public Builder operationTimeout(Duration d) {
      this.operationTimeout = d;
      return this;
    }

    /** Retries on 409/503 (default 5). */
    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    /** First backoff (default 1 s), doubled per retry. */
    public Builder retryBackoff(Duration d) {
      this.retryBackoff = d;
      return this;
    }

    /** Largest computed backoff (default 30 s). */
    public Builder maxRetryBackoff(Duration d) {
      this.maxRetryBackoff = d;
      return this;
    }

    /** How long a reset's task monitor is followed (default 5 min). */
    public Builder taskTimeout(Duration d) {
      this.taskTimeout = d;
      return this;
    }

    /** Pause between task-monitor polls when the BMC sends no Retry-After (default 2 s). */
    public Builder taskPollInterval(Duration d) {
      this.taskPollInterval = d;
      return this;
    }

    /** Validates and builds. */
    public RedfishSettings build() {
      return new RedfishSettings(
          endpoint,
          username,
          password,
          system,
          chassis,
          authMode,
          trustStore,
          trustStorePassword,
          verifyTls,
          tlsPins,
          connectTimeout,
          requestTimeout,
          operationTimeout,
          maxRetries,
          retryBackoff,
          maxRetryBackoff,
          taskTimeout,
          taskPollInterval);
    }
  }
}
