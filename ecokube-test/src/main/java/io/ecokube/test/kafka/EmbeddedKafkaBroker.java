package io.ecokube.test.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in KRaft mode (combined broker and controller) inside this JVM,
 * listening on loopback, so the demo and tests need nothing installed but a JDK. Built on Kafka's
 * own test kit ({@code kafka-test-common-runtime}); its data lives in a temporary directory deleted
 * on close.
 *
 * <p>Kafka's server code ends the process through {@link Exit#exit} / {@link Exit#halt} when it
 * hits a fatal fault (a failed log directory, a metadata error, a fenced controller). Inside a test
 * JVM that kills Surefire's fork with no report at all, and inside the demo it kills the demo. This
 * class replaces both procedures before the broker starts: the call is logged with its status code
 * and message, remembered, and turned into an exception on the calling thread; {@link #close()} and
 * {@link #assertNoFatalFault()} then fail the test with that message instead of the JVM
 * disappearing. The test kit's own fault handlers (MockFaultHandler) do the same for faults raised
 * through the fault-handler path, and {@code close()} rethrows their first fault.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaClusterTestKit cluster;
  private final ExitTrap exits;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, ExitTrap exits) {
    this.cluster = cluster;
    this.exits = exits;
  }

  /** Starts a broker and waits until it serves requests. */
  public static EmbeddedKafkaBroker start() {
    ExitTrap exits = ExitTrap.install();
    try {
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              // Topics exist only when a test creates them: a consumer must never resurrect a
              // topic that a test deleted to provoke a stale reading.
              .setConfigProp("auto.create.topics.enable", "false")
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("num.partitions", "1")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(cluster, exits);
      LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers());
      return kafka;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded Kafka broker: " + e, e);
    }
  }

  /** The bootstrap address, {@code localhost:port}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Admin-client properties for this broker. */
  public Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  /** Creates a topic with one replica and waits for it. */
  public void createTopic(String name, int partitions) {
    try (Admin admin = Admin.create(adminProperties())) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not create topic " + name + ": " + e, e);
    }
  }

  /**
   * Commits offset 0 on every partition of the topic for the group, as workers that ran before and
   * are now scaled to zero would have left it: the group exists, so only real uploads count as lag
   * (a group that never existed counts 1 per partition under KEDA's {@code latest} policy).
   */
  public void initGroup(String group, String topic, int partitions) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      commits.put(new TopicPartition(topic, i), new OffsetAndMetadata(0));
    }
    try (Admin admin = Admin.create(adminProperties())) {
      admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not commit the start offsets of group " + group + " on " + topic + ": " + e, e);
    }
  }

  /** A producer of string keys and values that waits for the leader's acknowledgement. */
  public KafkaProducer<String, String> producer() {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "1",
            ProducerConfig.LINGER_MS_CONFIG, 0,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(cfg);
  }

  /** Fails when Kafka tried to end the JVM since this broker started. */
  public void assertNoFatalFault() {
    List<String> exitCalls = exits.calls();
    if (!exitCalls.isEmpty()) {
      throw new AssertionError("the embedded broker hit a fatal fault: " + exitCalls);
    }
    if (cluster.fatalFaultHandler().firstException() != null) {
      throw new AssertionError(
          "the embedded broker hit a fatal fault", cluster.fatalFaultHandler().firstException());
    }
  }

  /** Stops the broker; a second call does nothing. Fails if the broker hit a fatal fault. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker did not stop cleanly: " + e, e);
    }
    assertNoFatalFault();
  }
}
