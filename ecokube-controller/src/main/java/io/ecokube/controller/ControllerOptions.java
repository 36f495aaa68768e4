package io.ecokube.controller;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The controller's command line.
 *
 * @param config the Eco-Kube config file (nodes, policy)
 * @param kubeconfig a kubeconfig file; empty: in-cluster when running in a pod, else the default
 *     kubeconfig
 * @param namespace where the Lease and the controller's own Events live
 * @param identity this replica's identity in the Lease (the pod name)
 * @param httpPort port of the health and metrics endpoints (0: any free port)
 * @param interval the reconcile period
 * @param dryRun log plans, touch nothing (no Lease, no patches, no power actions)
 * @param taskEventsBootstrap Kafka bootstrap servers of the task-event topic; empty: no task pods
 * @param taskEventsTopic the topic scale events for task pods arrive on
 * @param taskNamespace where task worker pods and their PodTemplates live
 * @param taskTemplates workload name in scale events -> PodTemplate name in the namespace
 * @param metricsTokenFile a file holding the bearer token {@code /metrics} requires; empty: open
 */
public record ControllerOptions(
    Path config,
    Optional<Path> kubeconfig,
    String namespace,
    String identity,
    int httpPort,
    Duration interval,
    boolean dryRun,
    Optional<String> taskEventsBootstrap,
    String taskEventsTopic,
    String taskNamespace,
    Map<String, String> taskTemplates,
    Optional<Path> metricsTokenFile) {

  /** Validates. */
  public ControllerOptions {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(taskEventsBootstrap, "taskEventsBootstrap");
    Objects.requireNonNull(taskEventsTopic, "taskEventsTopic");
    Objects.requireNonNull(taskNamespace, "taskNamespace");
    taskTemplates = Map.copyOf(taskTemplates);
    Objects.requireNonNull(metricsTokenFile, "metricsTokenFile");
    if (taskEventsBootstrap.isPresent() && taskTemplates.isEmpty()) {
      throw new IllegalArgumentException(
          "--task-events needs at least one --task-template WORKLOAD=PODTEMPLATE\n" + USAGE);
    }
    if (taskEventsBootstrap.isEmpty() && !taskTemplates.isEmpty()) {
      throw new IllegalArgumentException(
          "--task-template needs --task-events BOOTSTRAP_SERVERS\n" + USAGE);
    }
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("--http-port must be 0..65535, got " + httpPort);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("--interval-seconds must be > 0");
    }
  }

  static final String USAGE =
      "usage: KubernetesController --config FILE [--kubeconfig FILE] [--namespace NS]\n"
          + "         [--identity NAME] [--http-port 8080] [--interval-seconds 10] [--dry-run]\n"
          + "         [--metrics-token-file FILE]\n"
          + "         [--task-events BOOTSTRAP_SERVERS [--task-topic ecokube-tasks] [--task-namespace NS]\n"
          + "          --task-template WORKLOAD=PODTEMPLATE ...]\n"
          + "  NS defaults to $POD_NAMESPACE or 'ecokube'; NAME to $POD_NAME or the host name.\n"
          + "  --task-events runs scale events from that Kafka topic as worker pods (task pods).";

  /**
   * Parses the arguments.
   *
   * @param env the environment (POD_NAMESPACE, POD_NAME, HOSTNAME)
   * @throws IllegalArgumentException naming the bad argument, with the usage
   */
  public static ControllerOptions parse(String[] args, Map<String, String> env) {
    Path config = null;
    Path kubeconfig = null;
    String namespace = env.getOrDefault("POD_NAMESPACE", "ecokube");
    String identity = env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "ecokube-local"));
    int port = 8080;
    long interval = 10;
    boolean dryRun = false;
    String taskEvents = null;
    String taskTopic = "ecokube-tasks";
    String taskNamespace = null;
    Map<String, String> templates = new java.util.LinkedHashMap<>();
    Path metricsToken = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--dry-run" -> dryRun = true;
        case "--config" -> config = Path.of(value(args, ++i, a));
        case "--kubeconfig" -> kubeconfig = Path.of(value(args, ++i, a));
        case "--namespace" -> namespace = value(args, ++i, a);
        case "--identity" -> identity = value(args, ++i, a);
        case "--http-port" -> port = number(value(args, ++i, a), a);
        case "--interval-seconds" -> interval = number(value(args, ++i, a), a);
        case "--task-events" -> taskEvents = value(args, ++i, a);
        case "--metrics-token-file" -> metricsToken = Path.of(value(args, ++i, a));
        case "--task-topic" -> taskTopic = value(args, ++i, a);
        case "--task-namespace" -> taskNamespace = value(args, ++i, a);
        case "--task-template" -> {
          String t = value(args, ++i, a);
          int eq = t.indexOf('=');
          if (eq <= 0 || eq == t.length() - 1) {
            throw new IllegalArgumentException(
                "--task-template takes WORKLOAD=PODTEMPLATE, got '" + t + "'\n" + USAGE);
          }
          if (templates.put(t.substring(0, eq), t.substring(eq + 1)) != null) {
            throw new IllegalArgumentException(
                "--task-template names workload '" + t.substring(0, eq) + "' twice\n" + USAGE);
          }
        }
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + USAGE);
      }
    }
    if (config == null) {
      throw new IllegalArgumentException("--config is required\n" + USAGE);
    }
    return new ControllerOptions(
        config,
        Optional.ofNullable(kubeconfig),
        namespace,
        identity,
        port,
        Duration.ofSeconds(interval),
        dryRun,
        Optional.ofNullable(taskEvents),
        taskTopic,
        taskNamespace == null ? namespace : taskNamespace,
        templates,
        Optional.ofNullable(metricsToken));
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static int number(String v, String flag) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got '" + v + "'\n" + USAGE);
    }
  }
}
