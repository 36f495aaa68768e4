package io.ecokube.controller.demand;

import io.ecokube.api.cluster.WorkloadScaler;
import io.ecokube.api.demand.Demand;
import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.time.Clock;
import io.ecokube.config.KafkaDemand;
import io.ecokube.core.workload.LagScalingPolicy;
import io.ecokube.kafka.lag.KafkaLagSettings;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns the config's {@code demand.kafka} section into a running {@link KafkaDemandFeed}: one lag
 * target per workload, the SASL login with its password read from its reference (and handed to the
 * Kafka client only, never logged), SASL over TLS unless the config names a protocol.
 */
public final class KafkaDemandWiring {
  private KafkaDemandWiring() {}

  /** The lag source's settings for the section, with the SASL password resolved. */
  public static KafkaLagSettings lagSettings(KafkaDemand kafka, SecretResolver secrets) {
    KafkaLagSettings.Builder b = KafkaLagSettings.builder(kafka.bootstrapServers());
    Set<String> seen = new LinkedHashSet<>();
    for (LagScalingPolicy w : kafka.workloads()) {
      // Two workloads may read one backlog; the source reads it once.
      if (seen.add(w.topic() + "\u0000" + w.group())) {
        b.target(w.topic(), w.group());
      }
    }
    kafka.pollInterval().ifPresent(b::pollInterval);
    for (Map.Entry<String, String> p : kafka.clientProperties().entrySet()) {
      b.clientProperty(p.getKey(), p.getValue());
    }
    saslProperties(kafka.sasl(), kafka.clientProperties(), secrets).forEach(b::clientProperty);
    return b.build();
  }

  /**
   * The client properties of a SASL login, its password read from its reference: mechanism, JAAS
   * line, and SASL over TLS unless {@code clientProperties} name a protocol. Empty without a login.
   * The values hold the password: hand them to a Kafka client only.
   */
  public static Map<String, String> saslProperties(
      Optional<KafkaDemand.SaslLogin> sasl,
      Map<String, String> clientProperties,
      SecretResolver secrets) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    sasl.ifPresent(
        login -> {
          Secret password = secrets.resolve(login.password());
          out.put("sasl.mechanism", login.mechanism());
          out.put("sasl.jaas.config", jaas(login, password));
          if (!clientProperties.containsKey("security.protocol")) {
            out.put("security.protocol", "SASL_SSL");
          }
        });
    return out;
  }

  /**
   * Starts the feed.
   *
   * @param scaler carries out the replica counts through the cluster; empty in a dry run
   * @param onDemand called after every poll, on the poller's thread
   */
  public static KafkaDemandFeed start(
      KafkaDemand kafka,
      SecretResolver secrets,
      Clock clock,
      Optional<WorkloadScaler> scaler,
      Consumer<Demand> onDemand) {
    return KafkaDemandFeed.start(
        lagSettings(kafka, secrets), kafka.workloads(), clock, scaler, onDemand);
  }

  private static String jaas(KafkaDemand.SaslLogin login, Secret password) {
    String module =
        login.mechanism().equals("PLAIN")
            ? "org.apache.kafka.common.security.plain.PlainLoginModule"
            : "org.apache.kafka.common.security.scram.ScramLoginModule";
    return module
        + " required username=\""
        + escape(login.username())
        + "\" password=\""
        + escape(password.revealAsString())
        + "\";";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
