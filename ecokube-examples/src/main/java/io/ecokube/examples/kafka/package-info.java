/**
 * The Eco-Stream demo on a real Kafka broker inside the JVM: {@link
 * io.ecokube.test.kafka.EmbeddedKafkaBroker}, {@link io.ecokube.examples.kafka.UploadProducer},
 * {@link io.ecokube.examples.kafka.WorkerPool} (consumer "pods" that the autoscaler drives), {@link
 * io.ecokube.controller.demand.KafkaDemandFeed} (lag to the engine's demand) and the runnable
 * {@link io.ecokube.examples.kafka.KafkaStreamDemo}.
 */
package io.ecokube.examples.kafka;
