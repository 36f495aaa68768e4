package io.ecokube.config;

import io.ecokube.api.secret.SecretRef;
import io.ecokube.core.workload.LagScalingPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code demand.kafka} section: which Kafka cluster to read consumer-group lag from and, per
 * workload, how lag becomes replicas (KEDA's semantics) and what each replica's pod needs, so a
 * backlog wakes nodes before any pod exists.
 *
 * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
 * @param pollInterval how often lag is read; empty: the lag source's default
 * @param clientProperties extra Kafka client properties ({@code security.protocol}, TLS stores)
 * @param sasl a SASL login whose password is a secret reference; empty: none
 * @param workloads one scaling policy per workload, at least one
 */
public record KafkaDemand(
    String bootstrapServers,
    Optional<Duration> pollInterval,
    Map<String, String> clientProperties,
    Optional<SaslLogin> sasl,
    List<LagScalingPolicy> workloads) {
  /** Validates and copies. */
  public KafkaDemand {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(pollInterval, "pollInterval");
    clientProperties = Map.copyOf(clientProperties);
    Objects.requireNonNull(sasl, "sasl");
    workloads = List.copyOf(workloads);
    if (workloads.isEmpty()) {
      throw new IllegalArgumentException("demand.kafka needs at least one workload");
    }
  }

  /**
   * A SASL login.
   *
   * @param mechanism {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
   * @param username the user
   * @param password where the password is read from, never the password itself
   */
  public record SaslLogin(String mechanism, String username, SecretRef password) {
    /** Validates. */
    public SaslLogin {
      Objects.requireNonNull(mechanism, "mechanism");
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }
  }
}
