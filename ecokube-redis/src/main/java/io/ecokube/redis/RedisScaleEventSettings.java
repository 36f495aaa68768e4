package io.ecokube.redis;

import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.secret.SecretRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link RedisScaleEventSource} reads scale events from a Redis Stream.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host, port</td><td>(required)</td><td>the Redis server</td></tr>
 *   <tr><td>stream</td><td>{@code otto:scale:events}</td><td>the stream the events are added to
 *       (Ottoscaler's name)</td></tr>
 *   <tr><td>group</td><td>{@code ecokube}</td><td>the consumer group, created if missing
 *       ({@code XGROUP CREATE ... MKSTREAM})</td></tr>
 *   <tr><td>consumer</td><td>{@code ecokube-<hostname>}</td><td>this reader's name in the group;
 *       unique per process, so another can claim its pending entries when it dies</td></tr>
 *   <tr><td>startFrom</td><td>NEW_EVENTS</td><td>where a newly created group starts: NEW_EVENTS
 *       ({@code $}) or WHOLE_STREAM ({@code 0}, replays every old event)</td></tr>
 *   <tr><td>deadLetterStream</td><td>{@code <stream>:dead-letter}</td><td>where malformed,
 *       rejected and given-up entries go, with the reason</td></tr>
 *   <tr><td>deadLetterMaxLength</td><td>100000</td><td>approximate cap on that stream
 *       ({@code MAXLEN ~})</td></tr>
 *   <tr><td>batchSize</td><td>64</td><td>entries per read ({@code COUNT}); the handled ones are
 *       acknowledged with one {@code XACK}</td></tr>
 *   <tr><td>readBlock</td><td>2 s</td><td>longest wait of one blocking read ({@code BLOCK}); an
 *       entry is returned as soon as it arrives, this only bounds how long an idle read
 *       waits</td></tr>
 *   <tr><td>claimIdle</td><td>60 s</td><td>an entry pending this long with another consumer is
 *       claimed ({@code XAUTOCLAIM}): its consumer died; longer than the slowest handler</td></tr>
 *   <tr><td>claimInterval</td><td>15 s</td><td>how often pending entries are checked</td></tr>
 *   <tr><td>maxAttempts</td><td>5</td><td>deliveries (counted by Redis, so across consumers) and
 *       handler attempts before an entry is dead-lettered</td></tr>
 *   <tr><td>retryBackoff</td><td>1 s</td><td>wait before retrying a handler that threw</td></tr>
 *   <tr><td>reconnectBackoffMin, Max</td><td>100 ms, 30 s</td><td>waits between reconnect
 *       attempts, doubling from min to max</td></tr>
 *   <tr><td>commandTimeout</td><td>5 s</td><td>connect and command timeout (a blocking read
 *       gets readBlock on top)</td></tr>
 *   <tr><td>database</td><td>0</td><td>{@code SELECT}ed database</td></tr>
 *   <tr><td>username, password</td><td>none</td><td>ACL user and a reference to its password
 *       ({@code file:/path}, {@code env:NAME}); a password alone authenticates the default
 *       user</td></tr>
 *   <tr><td>tls</td><td>false</td><td>connect with TLS</td></tr>
 *   <tr><td>tlsCaCertificate</td><td>JVM trust store</td><td>PEM file of the CA(s) to trust</td></tr>
 *   <tr><td>tlsVerifyHostname</td><td>true</td><td>check the server certificate's name, not only
 *       its chain</td></tr>
 *   <tr><td>decoder</td><td>{@link ScaleEventDecoder#strict()}</td><td>default workload and
 *       pod-count bound</td></tr>
 * </table>
 *
 * @param host the server's host
 * @param port the server's port, 1..65535
 * @param stream the event stream
 * @param group the consumer group
 * @param consumer this consumer's name in the group
 * @param startFrom where a new group starts
 * @param deadLetterStream where bad entries go
 * @param deadLetterMaxLength approximate cap on the dead-letter stream, > 0
 * @param batchSize entries per read, > 0
 * @param readBlock longest blocking read, positive
 * @param claimIdle idle time after which another consumer's entry is claimed, positive
 * @param claimInterval how often to look for such entries, positive
 * @param maxAttempts deliveries and handler attempts per entry, > 0
 * @param retryBackoff wait before retrying a failed handler, positive
 * @param reconnectBackoffMin first wait before reconnecting, positive
 * @param reconnectBackoffMax longest wait before reconnecting, >= min
 * @param commandTimeout connect and command timeout, positive
 * @param database the database index, >= 0
 * @param username the ACL user
 * @param password a reference to the password
 * @param tls whether to use TLS
 * @param tlsCaCertificate PEM file of trusted CAs
 * @param tlsVerifyHostname whether to check the certificate's host name
 * @param decoder how entries become events
 */
public record RedisScaleEventSettings(
    String host,
    int port,
    String stream,
    String group,
    String consumer,
    StartFrom startFrom,
    String deadLetterStream,
    long deadLetterMaxLength,
    int batchSize,
    Duration readBlock,
    Duration claimIdle,
    Duration claimInterval,
    int maxAttempts,
    Duration retryBackoff,
    Duration reconnectBackoffMin,
    Duration reconnectBackoffMax,
    Duration commandTimeout,
    int database,
    Optional<String> username,
    Optional<SecretRef> password,
    boolean tls,
    Optional<Path> tlsCaCertificate,
    boolean tlsVerifyHostname,
    ScaleEventDecoder decoder) {

  /** Where a consumer group that does not exist yet starts reading. */
  public enum StartFrom {
    /** Only entries added after the group was created ({@code $}). */
    NEW_EVENTS,
    /** Every entry in the stream ({@code 0}). */
    WHOLE_STREAM
  }

  /** Validates. */
  public RedisScaleEventSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(startFrom, "startFrom");
    Objects.requireNonNull(deadLetterStream, "deadLetterStream");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(tlsCaCertificate, "tlsCaCertificate");
    Objects.requireNonNull(decoder, "decoder");
    if (host.isBlank()) {
      throw bad("host", "is empty; give the Redis server's host name or address");
    }
    if (port < 1 || port > 65535) {
      throw bad("port", port + " is not a port; allowed 1..65535");
    }
    for (String[] named :
        new String[][] {
          {"stream", stream},
          {"group", group},
          {"consumer", consumer},
          {"deadLetterStream", deadLetterStream}
        }) {
      if (named[1].isBlank()) {
        throw bad(named[0], "is blank");
      }
    }
    if (deadLetterStream.equals(stream)) {
      throw bad("deadLetterStream", "'" + deadLetterStream + "' must differ from the event stream");
    }
    positive("deadLetterMaxLength", deadLetterMaxLength);
    positive("batchSize", batchSize);
    positive("maxAttempts", maxAttempts);
    positive("readBlock", readBlock);
    positive("claimIdle", claimIdle);
    positive("claimInterval", claimInterval);
    positive("retryBackoff", retryBackoff);
    positive("reconnectBackoffMin", reconnectBackoffMin);
    positive("reconnectBackoffMax", reconnectBackoffMax);
    positive("commandTimeout", commandTimeout);
    if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
      throw bad(
          "reconnectBackoffMax",
          reconnectBackoffMax + " is shorter than reconnectBackoffMin " + reconnectBackoffMin);
    }
    if (database < 0) {
      throw bad("database", database + " is negative");
    }
    if (username.isPresent() && (username.get().isBlank() || password.isEmpty())) {
      throw bad(
          "username",
          "an ACL user needs a non-blank name and a password reference (file:/path or env:NAME)");
    }
    if (tlsCaCertificate.isPresent() && !tls) {
      throw bad("tlsCaCertificate", "is set but tls is false; set tls: true or remove it");
    }
  }

  /** A builder for a server, with the defaults above. */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  private static IllegalArgumentException bad(String key, String what) {
    return new IllegalArgumentException("redis scale events: " + key + " " + what);
  }

  private static void positive(String key, long v) {
    if (v <= 0) {
      throw bad(key, "must be > 0, got " + v);
    }
  }

  private static void positive(String key, Duration d) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw bad(key, "must be a positive duration, got " + d);
    }
  }

  /** Builds {@link RedisScaleEventSettings}. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String stream = "otto:scale:events";
    private String group = "ecokube";
    private String consumer = defaultConsumerName();
    private StartFrom startFrom = StartFrom.NEW_EVENTS;
    private Optional<String> deadLetterStream = Optional.empty();
    private long deadLetterMaxLength = 100_000;
    private int batchSize = 64;
    private Duration readBlock = Duration.ofSeconds(2);
    private Duration claimIdle = Duration.ofSeconds(60);
    private Duration claimInterval = Duration.ofSeconds(15);
    private int maxAttempts = 5;
    private Duration retryBackoff = Duration.ofSeconds(1);
    private Duration reconnectBackoffMin = Duration.ofMillis(100);
    private Duration reconnectBackoffMax = Duration.ofSeconds(30);
    private Duration commandTimeout = Duration.ofSeconds(5);
    private int database;
    private Optional<String> username = Optional.empty();
    private Optional<SecretRef> password = Optional.empty();
    private boolean tls;
    private Optional<Path> tlsCaCertificate = Optional.empty();
    private boolean tlsVerifyHostname = true;
    private ScaleEventDecoder decoder = ScaleEventDecoder.strict();

    private Builder(String host, int port) {
      this.host = host;
      this.port = port;
    }

    private static String defaultConsumerName() {
      // In a pod HOSTNAME is the pod name: unique, and stable across restarts in a StatefulSet.
      String h = System.getenv("HOSTNAME");
      if (h == null || h.isBlank()) {
        try {
          h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
          h = "pid" + ProcessHandle.current().pid();
        }
      }
      return "ecokube-" + h;
    }

    /** The event stream. */
    public Builder stream(String value) {
      this.stream = value;
      return this;
    }

    /** The consumer group. */
    public Builder group(String value) {
      this.group = value;
      return this;
    }

    /** This consumer's name in the group. */
    public Builder consumer(String value) {
      this.consumer = value;
      return this;
    }

    /** Where a newly created group starts. */
    public Builder startFrom(StartFrom value) {
      this.startFrom = value;
      return this;
    }

    /** Where bad entries go. */
    public Builder deadLetterStream(String value) {
      this.deadLetterStream = Optional.of(value);
      return this;
    }

    /** Approximate cap on the dead-letter stream. */
    public Builder deadLetterMaxLength(long value) {
      this.deadLetterMaxLength = value;
      return this;
    }

    /** Entries per read. */
    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    /** Longest blocking read. */
    public Builder readBlock(Duration value) {
      this.readBlock = value;
      return this;
    }

    /** Idle time after which another consumer's pending entry is claimed. */
    public Builder claimIdle(Duration value) {
      this.claimIdle = value;
      return this;
    }

    /** How often to look for such entries. */
    public Builder claimInterval(Duration value) {
      this.claimInterval = value;
      return this;
    }

    /** Deliveries and handler attempts before an entry is dead-lettered. */
    public Builder maxAttempts(int value) {
      this.maxAttempts = value;
      return this;
    }

    /** Wait before retrying a failed handler. */
    public Builder retryBackoff(Duration value) {
      this.retryBackoff = value;
      return this;
    }

    /** Waits between reconnect attempts, doubling from min to max. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      this.reconnectBackoffMin = min;
      this.reconnectBackoffMax = max;
      return this;
    }

    /** Connect and command timeout. */
    public Builder commandTimeout(Duration value) {
      this.commandTimeout = value;
      return this;
    }

    /** The database index. */
    public Builder database(int value) {
      this.database = value;
      return this;
    }

    /** Authenticates as this ACL user with the referenced password. */
    public Builder user(String name, SecretRef passwordRef) {
      this.username = Optional.of(name);
      this.password = Optional.of(passwordRef);
      return this;
    }

    /** Authenticates the default user with the referenced password. */
    public Builder password(SecretRef passwordRef) {
      this.password = Optional.of(passwordRef);
      return this;
    }

    /** Connects with TLS, trusting the JVM's trust store. */
    public Builder tls(boolean value) {
      this.tls = value;
      return this;
    }

    /** Connects with TLS, trusting the CAs in this PEM file. */
    public Builder tlsCaCertificate(Path pem) {
      this.tls = true;
      this.tlsCaCertificate = Optional.of(pem);
      return this;
    }

    /** Whether the certificate's host name is checked (its chain always is). */
    public Builder tlsVerifyHostname(boolean value) {
      this.tlsVerifyHostname = value;
      return this;
    }

    /** How entries become events. */
    public Builder decoder(ScaleEventDecoder value) {
      this.decoder = value;
      return this;
    }

    /** Validates and builds. */
    public RedisScaleEventSettings build() {
      return new RedisScaleEventSettings(
          host,
          port,
          stream,
          group,
          consumer,
          startFrom,
          deadLetterStream.orElse(stream + ":dead-letter"),
          deadLetterMaxLength,
          batchSize,
          readBlock,
          claimIdle,
          claimInterval,
          maxAttempts,
          retryBackoff,
          reconnectBackoffMin,
          reconnectBackoffMax,
          commandTimeout,
          database,
          username,
          password,
          tls,
          tlsCaCertificate,
          tlsVerifyHostname,
          decoder);
    }
  }
}
