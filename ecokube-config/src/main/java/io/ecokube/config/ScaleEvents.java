package io.ecokube.config;

import io.ecokube.api.node.Toleration;
import io.ecokube.api.secret.SecretRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code demand.scaleEvents} section: scale events from a Redis Stream and/or a Kafka topic
 * (the Ottoscaler shape or Eco-Kube's JSON), each run as a task of worker pods. Both transports
 * feed one task runner and one de-duplication by task id.
 *
 * @param defaultWorkload the workload of events that name none (the Ottoscaler shape has no
 *     workload field)
 * @param maxPodsPerEvent the largest {@code pod_count} accepted; larger is dead-lettered
 * @param redis the Redis Stream to read; empty: none
 * @param kafka the Kafka topic to read; empty: none
 * @param tasks how events become worker pods
 */
public record ScaleEvents(
    String defaultWorkload,
    int maxPodsPerEvent,
    Optional<Redis> redis,
    Optional<Kafka> kafka,
    Tasks tasks) {
  /** Validates. */
  public ScaleEvents {
    Objects.requireNonNull(defaultWorkload, "defaultWorkload");
    Objects.requireNonNull(redis, "redis");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(tasks, "tasks");
    if (redis.isEmpty() && kafka.isEmpty()) {
      throw new IllegalArgumentException("demand.scaleEvents needs redis, kafka or both");
    }
  }

  /**
   * A Redis Stream read in a consumer group. Empty values take the source's defaults (see {@code
   * RedisScaleEventSettings}).
   *
   * @param host the server
   * @param port its port
   * @param stream the event stream
   * @param group the consumer group
   * @param consumer this replica's name in the group; empty: {@code ecokube-<pod name>}
   * @param wholeStream whether a new group starts at the stream's first entry
   * @param deadLetterStream where bad entries go; empty: {@code <stream>:dead-letter}
   * @param claimIdle idle time after which a dead consumer's entries are claimed
   * @param maxAttempts deliveries before an entry is dead-lettered
   * @param database the database index
   * @param username the ACL user
   * @param password a reference to the password
   * @param tls whether to use TLS
   * @param tlsCaCertificate PEM file of trusted CAs
   * @param tlsVerifyHostname whether the certificate's host name is checked
   */
  public record Redis(
      String host,
      int port,
      String stream,
      String group,
      Optional<String> consumer,
      boolean wholeStream,
      Optional<String> deadLetterStream,
      Optional<Duration> claimIdle,
      Optional<Integer> maxAttempts,
      int database,
      Optional<String> username,
      Optional<SecretRef> password,
      boolean tls,
      Optional<Path> tlsCaCertificate,
      boolean tlsVerifyHostname) {
    /** Validates. */
    public Redis {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(consumer, "consumer");
      Objects.requireNonNull(deadLetterStream, "deadLetterStream");
      Objects.requireNonNull(claimIdle, "claimIdle");
      Objects.requireNonNull(maxAttempts, "maxAttempts");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(tlsCaCertificate, "tlsCaCertificate");
    }
  }

  /**
   * A Kafka topic read in a consumer group.
   *
   * @param bootstrapServers the brokers
   * @param topic the event topic
   * @param group the consumer group
   * @param deadLetterTopic where bad events go (must exist); empty: the bounded local record only
   * @param maxAttempts handler failures before an event is dead-lettered
   * @param clientProperties extra client properties (no inline secrets)
   * @param sasl a SASL login; empty: none
   */
  public record Kafka(
      String bootstrapServers,
      String topic,
      String group,
      Optional<String> deadLetterTopic,
      int maxAttempts,
      Map<String, String> clientProperties,
      Optional<KafkaDemand.SaslLogin> sasl) {
    /** Validates and copies. */
    public Kafka {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
      clientProperties = Map.copyOf(clientProperties);
      Objects.requireNonNull(sasl, "sasl");
    }
  }

  /**
   * How events become worker pods.
   *
   * @param namespace where worker pods and task records live; empty: the controller's namespace
   * @param concurrency worker pods unfinished at once
   * @param attempts tries per worker
   * @param timeToLive longest a worker pod runs; empty: no limit
   * @param finishedRetention how long a finished task is remembered
   * @param workloads workload name to its worker pod template, at least one
   */
  public record Tasks(
      Optional<String> namespace,
      int concurrency,
      int attempts,
      Optional<Duration> timeToLive,
      Duration finishedRetention,
      Map<String, TaskPod> workloads) {
    /** Validates and copies. */
    public Tasks {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(timeToLive, "timeToLive");
      Objects.requireNonNull(finishedRetention, "finishedRetention");
      workloads = Map.copyOf(workloads);
    }
  }

  /**
   * A worker pod template: a PodTemplate object's name, or an image with its resources.
   *
   * @param podTemplate a PodTemplate in the task namespace; empty: built from the fields below
   * @param image the container image
   * @param command the container's command; empty: the image's
   * @param args the container's arguments
   * @param env environment variables
   * @param requests resource requests ({@code cpu}, {@code memory}), Kubernetes quantities
   * @param limits resource limits, Kubernetes quantities
   * @param tolerations taints the pods tolerate
   * @param nodeSelector node labels the pods require
   */
  public record TaskPod(
      Optional<String> podTemplate,
      Optional<String> image,
      List<String> command,
      List<String> args,
      Map<String, String> env,
      Map<String, String> requests,
      Map<String, String> limits,
      List<Toleration> tolerations,
      Map<String, String> nodeSelector) {
    /** Validates and copies. */
    public TaskPod {
      Objects.requireNonNull(podTemplate, "podTemplate");
      Objects.requireNonNull(image, "image");
      command = List.copyOf(command);
      args = List.copyOf(args);
      env = Map.copyOf(env);
      requests = Map.copyOf(requests);
      limits = Map.copyOf(limits);
      tolerations = List.copyOf(tolerations);
      nodeSelector = Map.copyOf(nodeSelector);
      if (podTemplate.isPresent() == image.isPresent()) {
        throw new IllegalArgumentException("a task pod has either a podTemplate or an image");
      }
    }
  }
}
