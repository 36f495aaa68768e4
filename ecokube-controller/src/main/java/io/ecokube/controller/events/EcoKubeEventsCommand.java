package io.ecokube.controller.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.demand.MalformedScaleEventException;
import io.ecokube.api.demand.ScaleEvent;
import io.ecokube.api.demand.ScaleEventDecoder;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ecokube-events send}: sends one test scale event, as the seed's {@code make test-event}
 * did, to a Redis Stream ({@code XADD}, the fields in the order given) or a Kafka topic (one JSON
 * object of the fields, keyed by the task id). The event is checked with the decoder the controller
 * uses first, so a typo is reported here rather than dead-lettered there; {@code --malformed} sends
 * it anyway (to try the dead-letter path). Exit codes: 0 sent, 1 not sent, 2 a bad command line.
 */
@Command(
    name = "ecokube-events",
    mixinStandardHelpOptions = true,
    versionProvider = EcoKubeEventsCommand.Version.class,
    description = "Sends test scale events to the streams the Eco-Kube controller reads.",
    subcommands = EcoKubeEventsCommand.Send.class)
public final class EcoKubeEventsCommand implements Runnable {
  /** Exit code when the event was not sent. */
  public static final int NOT_SENT = 1;

  @Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: send");
  }

  /** Runs the command line and returns the exit code. */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new EcoKubeEventsCommand());
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  /** The program's entry point. */
  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EcoKubeEventsCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ecokube-events " + (v == null ? "(development build)" : v)};
    }
  }

  /** Where to send: exactly one transport. */
  static final class Target {
    @Option(
        names = "--redis",
        paramLabel = "URL",
        required = true,
        description = "a Redis server, redis://host:port[/db] or rediss:// for TLS")
    String redis;

    @Option(
        names = "--kafka",
        paramLabel = "BOOTSTRAP_SERVERS",
        required = true,
        description = "Kafka brokers, host:port[,host:port...]")
    String kafka;
  }

  /** {@code send}: one event. */
  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description =
          "Sends one scale event, e.g. send --redis redis://127.0.0.1:6379 type=scale_up"
              + " pod_count=3 task_id=t1")
  static final class Send implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Target target;

    @Option(
        names = "--stream",
        paramLabel = "STREAM",
        defaultValue = "otto:scale:events",
        description = "the Redis Stream; default: ${DEFAULT-VALUE}")
    String stream;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "the Kafka topic (with --kafka)")
    String topic;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "a file with the Redis password (never on the command line)")
    Path passwordFile;

    @Option(
        names = "--user",
        paramLabel = "NAME",
        description = "the Redis ACL user (with --password-file)")
    String user;

    @Option(
        names = "--malformed",
        description = "send it even if the controller would dead-letter it")
    boolean malformed;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "10",
        description = "how long to wait for the server; default: ${DEFAULT-VALUE}")
    int timeoutSeconds;

    @Parameters(
        arity = "1..*",
        paramLabel = "FIELD=VALUE",
        description = "the event's fields, e.g. type=scale_up pod_count=3 task_id=t1")
    List<String> fields;

    @Spec private CommandLine.Model.CommandSpec spec;

    private Map<String, String> fields() {
      Map<String, String> out = new LinkedHashMap<>();
      for (String f : fields) {
        int eq = f.indexOf('=');
        if (eq <= 0) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "'" + f + "' is not FIELD=VALUE, e.g. pod_count=3");
        }
        if (out.put(f.substring(0, eq), f.substring(eq + 1)) != null) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "field '" + f.substring(0, eq) + "' is given twice; the controller would refuse it");
        }
      }
      return out;
    }

    @Override
    public Integer call() {
      Map<String, String> event = fields();
      if (target.kafka != null && topic == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--kafka needs --topic");
      }
      if (target.redis != null && topic != null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--topic is for --kafka; a Redis Stream is named with --stream");
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        // A placeholder workload: the controller's default one applies to events without one.
        ScaleEvent e =
            ScaleEventDecoder.strict()
                .withDefaultWorkload("(default workload)")
                .withMaxPodCount(Integer.MAX_VALUE)
                .decode(event);
        out.println("event: " + e.type() + " of " + e.podCount() + " pod(s), task " + e.taskId());
      } catch (MalformedScaleEventException e) {
        if (!malformed) {
          err.println(
              "not sent: the controller would dead-letter it: "
                  + e.getMessage()
                  + " (--malformed sends it anyway)");
          return NOT_SENT;
        }
      }
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      try {
        String where = target.redis != null ? toRedis(event, timeout) : toKafka(event, timeout);
        out.println("sent: " + where);
        return 0;
      } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
        err.println("not sent: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return NOT_SENT;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("not sent: interrupted");
        return NOT_SENT;
      }
    }

    private String toRedis(Map<String, String> event, Duration timeout) throws IOException {
      RedisURI uri;
      try {
        uri = RedisURI.create(target.redis);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--redis '" + target.redis + "' is not redis://host:port");
      }
      uri.setTimeout(timeout);
      if (passwordFile != null) {
        char[] password =
            Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        if (user != null) {
          uri.setUsername(user);
        }
        uri.setPassword(password);
      }
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8)) {
        String id = c.sync().xadd(stream, event);
        return stream + " " + id + " on " + uri.getHost() + ":" + uri.getPort();
      } catch (RedisException e) {
        throw new IllegalStateException(
            "Redis at " + uri.getHost() + ":" + uri.getPort() + ": " + e.getMessage(), e);
      } finally {
        client.shutdown(Duration.ZERO, timeout);
      }
    }

    private String toKafka(Map<String, String> event, Duration timeout)
        throws ExecutionException, TimeoutException, InterruptedException {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafka);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      String json = json(event);
      String key = event.getOrDefault("task_id", event.get("taskId"));
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        RecordMetadata m =
            producer
                .send(new ProducerRecord<>(topic, key, json))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return m.topic() + "-" + m.partition() + "@" + m.offset();
      }
    }

    /**
     * The fields as one JSON object of strings (the controller's codec reads numbers in strings).
     */
    static String json(Map<String, String> event) {
      try {
        return new ObjectMapper().writeValueAsString(event);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a map of strings is always JSON", e);
      }
    }
  }
}
