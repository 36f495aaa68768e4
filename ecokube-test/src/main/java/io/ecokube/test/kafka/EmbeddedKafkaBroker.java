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
import org.apache.kafka.common.TopicPartition;
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
 * <p>Kafka's server code ends the process through {@link Exit} on a fatal fault. This class
 * replaces those procedures before the broker starts, so such a fault is logged with its status and
 * message and thrown as an exception instead of silently killing the demo (and whatever embeds it).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats a fresh log directory, starts the broker and waits until it serves requests. */
  public static EmbeddedKafkaBroker start() {
    Exit.Procedure refuse =
        (code, message) -> {
          String call = "Kafka asked the JVM to exit with status " + code + ": " + message;
          LOG.error("{} (refused; the embedded broker is unusable from here on)", call);
          throw new IllegalStateException(call);
        };
    Exit.setExitProcedure(refuse);
    Exit.setHaltProcedure(refuse);
    try {
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              .setConfigProp("auto.create.topics.enable", "false")
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster);
      LOG.info("embedded Kafka broker (KRaft) ready at {}", broker.bootstrapServers());
      return broker;
    } catch (Exception e) {
      throw new IllegalStateException("could not start the embedded Kafka broker: " + e, e);
    }
  }

  /** {@code localhost:port}. */
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Creates a topic with one replica and waits until it exists. */
  public void createTopic(String name, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not create topic " + name + " with " + partitions + " partitions: " + e, e);
    }
  }

  /**
   * Commits offset 0 on every partition of the topic for the group, as workers that ran before and
   * are now scaled to zero would have left it: the group exists, so only real uploads count as lag
   * (a group that never existed counts 1 per partition under KEDA's {@code latest} policy).
   */
  public void initGroup(String group, String topic, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (int i = 0; i < partitions; i++) {
      commits.put(new TopicPartition(topic, i), new OffsetAndMetadata(0));
    }
    try (Admin admin = Admin.create(p)) {
      admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not commit the start offsets of group " + group + " on " + topic + ": " + e, e);
    }
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker did not stop cleanly: " + e, e);
    }
  }
}
