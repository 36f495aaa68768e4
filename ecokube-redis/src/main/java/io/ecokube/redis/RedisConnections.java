package io.ecokube.redis;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretResolver;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * How the source reaches Redis: the URI with credentials and TLS, client options without Lettuce's
 * own reconnect, and one small pool of named daemon I/O threads.
 */
final class RedisConnections {
  private RedisConnections() {}

  /**
   * The server's URI, with the password resolved from its reference.
   *
   * @throws IllegalArgumentException when the reference cannot be resolved (the message names the
   *     reference, never the value)
   */
  static RedisURI uri(RedisScaleEventSettings s, SecretResolver secrets) {
    RedisURI.Builder b =
        RedisURI.builder()
            .withHost(s.host())
            .withPort(s.port())
            .withDatabase(s.database())
            .withClientName(s.consumer())
            // Every command but the blocking read is bounded by commandTimeout.
            .withTimeout(s.commandTimeout().plus(s.readBlock()));
    if (s.tls()) {
      b.withSsl(true).withVerifyPeer(s.tlsVerifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA);
    }
    if (s.password().isPresent()) {
      Secret password = secrets.resolve(s.password().get());
      char[] chars = password.revealAsString().toCharArray();
      if (s.username().isPresent()) {
        b.withAuthentication(s.username().get(), chars);
      } else {
        b.withPassword(chars);
      }
    }
    return b.build();
  }

  static ClientOptions clientOptions(RedisScaleEventSettings s) {
    ClientOptions.Builder b =
        ClientOptions.builder()
            // The source reconnects itself, with its own backoff, and then re-creates the group
            // and recovers its pending entries; Lettuce's silent reconnect would skip that.
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder().connectTimeout(s.commandTimeout()).keepAlive(true).build());
    if (s.tls()) {
      SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
      s.tlsCaCertificate().ifPresent(pem -> ssl.trustManager(pem.toFile()));
      b.sslOptions(ssl.build());
    }
    return b.build();
  }

  /**
   * One I/O and one computation thread, daemons named {@code ecokube-redis-io-*}.
   *
   * @param made hears every thread made, so that close can wait for it to end
   */
  static ClientResources resources(Consumer<Thread> made) {
    return DefaultClientResources.builder()
        .ioThreadPoolSize(1)
        .computationThreadPoolSize(1)
        .threadFactoryProvider(pool -> daemonThreads("ecokube-redis-io-" + pool, made))
        .build();
  }

  private static ThreadFactory daemonThreads(String prefix, Consumer<Thread> made) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      made.accept(t);
      return t;
    };
  }
}
