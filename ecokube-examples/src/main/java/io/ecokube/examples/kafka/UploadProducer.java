package io.ecokube.examples.kafka;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plays the Eco-Web front end: each uploaded video becomes one message on the uploads topic. */
public final class UploadProducer {
  private UploadProducer() {}

  /**
   * Produces {@code count} upload messages ({@code {"upload":i,"file":"video-i.mp4"}}), keyed by
   * upload so they spread over the partitions, and waits until the broker acknowledged all.
   *
   * @return the number of messages acknowledged
   */
  public static int produceUploads(String bootstrapServers, String topic, int count) {
    Map<String, Object> cfg =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName(),
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(cfg)) {
      for (int i = 1; i <= count; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    "upload-" + i,
                    "{\"upload\":" + i + ",\"file\":\"video-" + i + ".mp4\"}"))
            .get(30, TimeUnit.SECONDS);
      }
      return count;
    } catch (Exception e) {
      throw new IllegalStateException("producing uploads to " + topic + " failed: " + e, e);
    }
  }
}
