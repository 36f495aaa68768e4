package io.ecokube.test.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EmbeddedKafkaBroker} for a test class, with a producer and an admin client on it,
 * started before the class's first test and closed after its last:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * ... KAFKA.broker().createTopic("uploads", 10); KAFKA.producer().send(...);
 * }</pre>
 *
 * Closing fails the class when the broker hit a fatal fault while it ran.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedKafkaBroker broker;
  private KafkaProducer<String, String> producer;
  private Admin admin;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = EmbeddedKafkaBroker.start();
    producer = broker.producer();
    admin = Admin.create(broker.adminProperties());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<AutoCloseable> open = new ArrayList<>();
    if (admin != null) {
      open.add(admin);
    }
    if (producer != null) {
      open.add(producer);
    }
    if (broker != null) {
      open.add(broker);
    }
    RuntimeException first = null;
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The broker. */
  public EmbeddedKafkaBroker broker() {
    return running(broker);
  }

  /** A producer of string keys and values that waits for the leader's acknowledgement. */
  public KafkaProducer<String, String> producer() {
    return running(producer);
  }

  /** An admin client on the broker. */
  public Admin admin() {
    return running(admin);
  }

  /** Sends {@code count} records to one partition and waits until the broker has them. */
  public void produce(String topic, int partition, int count) {
    for (int i = 0; i < count; i++) {
      producer().send(new ProducerRecord<>(topic, partition, "k", "v" + i));
    }
    producer().flush();
  }

  /** Commits offsets for a consumer group, partition by partition, as its consumers would. */
  public void commit(String group, String topic, Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
    offsets.forEach((p, o) -> m.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    try {
      admin().alterConsumerGroupOffsets(group, m).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not commit offsets of " + group + ": " + e, e);
    }
  }

  private static <T> T running(T part) {
    if (part == null) {
      throw new IllegalStateException(
          "the broker is not running: register the extension on a static field"
              + " (@RegisterExtension static)");
    }
    return part;
  }
}
