package io.ecokube.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.ecokube.api.demand.ScaleEventHandler.Acceptance;
import io.ecokube.api.secret.SecretRef;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.test.redis.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ACL users with the password by secret reference, and TLS, against a real redis-server. */
class RedisScaleEventSourceSecurityIT {
  static final String PASSWORD = "s3cret-Pa55";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  static RedisScaleEventSettings.Builder base(int port) {
    return RedisScaleEventSettings.builder("127.0.0.1", port)
        .consumer("c1")
        .readBlock(Duration.ofMillis(200))
        .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .decoder(ScaleEventDecoder.strict().withDefaultWorkload("otto-agent"));
  }

  @Test
  void anAclUserWithItsPasswordFromAFile() throws Exception {
    Path secret = dir.resolve("redis-password");
    Files.writeString(secret, PASSWORD + "\n");
    Path data = Files.createDirectory(dir.resolve("data"));
    try (RedisServer server =
        RedisServer.start(
            data,
            List.of(
                "--user",
                "default",
                "off",
                "--user",
                "alice",
                "on",
                ">" + PASSWORD,
                "~*",
                "&*",
                "+@all"))) {
      List<ScaleEvent> seen = new CopyOnWriteArrayList<>();
      RedisScaleEventSettings good =
          base(server.port()).user("alice", SecretRef.parse("file:" + secret)).build();
      assertThat(good.toString()).doesNotContain(PASSWORD);
      try (RedisScaleEventSource source =
          RedisScaleEventSource.start(
              good,
              e -> {
                seen.add(e);
                return Acceptance.ACCEPTED;
              },
              SecretResolver.standard(),
              Clock.system())) {
        await().atMost(WAIT).until(() -> source.status().connected());
        RedisClient c =
            RedisClient.create(
                RedisURI.builder()
                    .withHost("127.0.0.1")
                    .withPort(server.port())
                    .withAuthentication("alice", PASSWORD)
                    .build());
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
          conn.sync()
              .xadd("otto:scale:events", "type", "scale_up", "pod_count", "3", "task_id", "acl-1");
        } finally {
          c.shutdown();
        }
        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen.get(0).taskId()).isEqualTo("acl-1");
      }

      Path wrong = dir.resolve("wrong-password");
      Files.writeString(wrong, "not-it");
      try (RedisScaleEventSource source =
          RedisScaleEventSource.start(
              base(server.port()).user("alice", SecretRef.parse("file:" + wrong)).build(),
              e -> Acceptance.ACCEPTED,
              SecretResolver.standard(),
              Clock.system())) {
        await()
            .atMost(WAIT)
            .until(() -> source.status().problem().orElse("").contains("WRONGPASS"));
        assertThat(source.status().problem().get()).doesNotContain("not-it");
      }
    }
  }

  @Test
  void overTlsTrustingTheServersCa() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    Path data = Files.createDirectory(dir.resolve("data"));
    try (RedisServer server = RedisServer.startTls(data, cert, key, cert)) {
      List<String> seen = new CopyOnWriteArrayList<>();
      try (RedisScaleEventSource source =
          RedisScaleEventSource.start(
              base(server.port()).tlsCaCertificate(cert).build(),
              e -> {
                seen.add(e.taskId());
                return Acceptance.ACCEPTED;
              },
              SecretResolver.standard(),
              Clock.system())) {
        await().atMost(WAIT).until(() -> source.status().connected());
        RedisClient c =
            RedisClient.create(
                RedisURI.builder()
                    .withHost("127.0.0.1")
                    .withPort(server.port())
                    .withSsl(true)
                    .build());
        c.setOptions(
            io.lettuce.core.ClientOptions.builder()
                .sslOptions(
                    SslOptions.builder().jdkSslProvider().trustManager(cert.toFile()).build())
                .build());
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
          conn.sync()
              .xadd("otto:scale:events", "type", "scale_up", "pod_count", "1", "task_id", "tls-1");
        } finally {
          c.shutdown();
        }
        await().atMost(WAIT).until(() -> seen.contains("tls-1"));
      }

      // Without the CA the server is not trusted: the source says so and reads nothing.
      try (RedisScaleEventSource source =
          RedisScaleEventSource.start(
              base(server.port()).tls(true).build(),
              e -> Acceptance.ACCEPTED,
              SecretResolver.standard(),
              Clock.system())) {
        await()
            .atMost(WAIT)
            .until(() -> source.status().problem().orElse("").contains("failed or refused"));
        assertThat(source.status().problem().get()).contains("certification path");
        assertThat(source.status().connected()).isFalse();
      }
    }
  }
}
