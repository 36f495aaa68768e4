package io.ecokube.controller;

import io.ecokube.api.secret.Secret;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.config.ConfigException;
import io.ecokube.config.ConfigLoader;
import io.ecokube.config.ConfigProblem;
import io.ecokube.config.Durations;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.controller.logging.LogFormat;
import io.ecokube.controller.logging.Logging;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.kubernetes.KubernetesSecretResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The controller's command line: {@code run} starts the controller, {@code validate} checks a
 * config file and lists every problem with its key path, line and column. Exit codes: 0 success, 1
 * an invalid or unreadable config, 2 a bad command line.
 */
@Command(
    name = "ecokube-controller",
    mixinStandardHelpOptions = true,
    versionProvider = EcoKubeCommand.Version.class,
    description =
        "Powers idle bare-metal Kubernetes nodes off and wakes them before work needs them.",
    subcommands = {
      EcoKubeCommand.Run.class,
      EcoKubeCommand.Validate.class,
      EcoKubeCommand.Serve.class
    })
public final class EcoKubeCommand implements Runnable {
  /** Exit code of an invalid or unreadable config. */
  public static final int INVALID_CONFIG = 1;

  @Spec private CommandLine.Model.CommandSpec spec;

  /** Without a subcommand: say which ones exist. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: run or validate");
  }

  /** Runs the command line and returns the exit code; {@code env} supplies the pod's defaults. */
  public static int execute(
      String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine(env);
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }

  /** The command line, with the environment its defaults come from. */
  static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new EcoKubeCommand(), new Factory(env));
    cl.registerConverter(Duration.class, EcoKubeCommand::duration);
    return cl;
  }

  /** The program's entry point. */
  public static void main(String[] args) {
    int code =
        execute(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true));
    // A 'run' that returns 0 was ended by SIGTERM: the JVM is already shutting down, and
    // System.exit from here would wait for the shutdown hooks that are waiting for us.
    boolean stoppedRun =
        code == 0 && args.length > 0 && (args[0].equals("run") || args[0].equals("serve"));
    if (!stoppedRun) {
      System.exit(code);
    }
  }

  private static Duration duration(String text) {
    return Durations.parse(text)
        .filter(d -> !d.isNegative() && !d.isZero())
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "'" + text + "' is not a positive duration; " + Durations.HINT));
  }

  /** {@code run}: the controller itself, until it is stopped. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Runs the controller against the cluster until it is stopped.")
  static final class Run implements Callable<Integer> {
    private final Map<String, String> env;

    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "the Eco-Kube config file (nodes, pools, policy)")
    Path config;

    @Option(
        names = "--kubeconfig",
        paramLabel = "FILE",
        description = "a kubeconfig; default: in-cluster in a pod, else ~/.kube/config")
    Path kubeconfig;

    @Option(
        names = "--namespace",
        paramLabel = "NS",
        description =
            "where the Lease and the controller's Events live; default: $POD_NAMESPACE or ecokube")
    String namespace;

    @Option(
        names = "--identity",
        paramLabel = "NAME",
        description =
            "this replica's name in the Lease; default: $POD_NAME, $HOSTNAME or ecokube-local")
    String identity;

    @Option(
        names = "--http-port",
        paramLabel = "PORT",
        defaultValue = "8080",
        description =
            "port of /healthz, /readyz and /metrics (0: any free port); default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(
        names = "--interval",
        paramLabel = "DURATION",
        defaultValue = "10s",
        description = "the reconcile period, e.g. 10s; default: ${DEFAULT-VALUE}")
    Duration interval;

    @Option(
        names = "--dry-run",
        description = "log plans, touch nothing: no Lease, no patches, no power actions")
    boolean dryRun;

    @Option(
        names = "--metrics-token-file",
        paramLabel = "FILE",
        description =
            "a file with the bearer token /metrics then requires; default: /metrics is open")
    Path metricsTokenFile;

    /** The task options of earlier versions: now config ({@code demand.scaleEvents}). */
    @Option(
        names = {"--task-events", "--task-topic", "--task-namespace", "--task-template"},
        hidden = true)
    List<String> removedTaskOptions = new ArrayList<>();

    @Option(
        names = "--log-format",
        paramLabel = "FORMAT",
        description =
            "text (for people) or json (one object per line, for log pipelines); default:"
                + " $ECOKUBE_LOG_FORMAT or text")
    String logFormat;

    @Option(
        names = "--log-level",
        paramLabel = "LEVEL",
        description =
            "level of Eco-Kube's own loggers: trace, debug, info, warn or error; default:"
                + " $ECOKUBE_LOG_LEVEL or info")
    String logLevel;

    @Spec private CommandLine.Model.CommandSpec spec;

    Run(Map<String, String> env) {
      this.env = env;
    }

    /** The options as the controller takes them; usage errors name the bad option. */
    ControllerOptions options() {
      String ns = namespace != null ? namespace : env.getOrDefault("POD_NAMESPACE", "ecokube");
      String id =
          identity != null
              ? identity
              : env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "ecokube-local"));
      if (!removedTaskOptions.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--task-events, --task-topic, --task-namespace and --task-template were replaced by"
                + " the config section demand.scaleEvents (Redis and Kafka, task pod templates);"
                + " see docs/configuration.md");
      }
      try {
        return new ControllerOptions(
            config,
            Optional.ofNullable(kubeconfig),
            ns,
            id,
            httpPort,
            interval,
            dryRun,
            Optional.ofNullable(metricsTokenFile));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    @Override
    public Integer call() throws Exception {
      ControllerOptions options = options();
      try {
        Logging.configure(
            logFormat != null ? LogFormat.parse(logFormat) : Logging.format(env),
            logLevel != null ? Logging.checkLevel(logLevel) : Logging.level(env));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      KubernetesController controller;
      try {
        controller = new KubernetesController(options);
      } catch (ConfigException | NoSuchFileException e) {
        spec.commandLine().getErr().println(message(e));
        return INVALID_CONFIG;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    controller.close();
                    stopped.countDown();
                  },
                  "ecokube-shutdown"));
      controller.start();
      stopped.await();
      return 0;
    }
  }

  /**
   * {@code serve}: the JSON API and dashboard on their own, without Kubernetes and without powering
   * anything (a config whose nodes have no drivers is enough).
   */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serves the API (/api/v1) and dashboard (/) from a config alone: power, cost, prediction"
              + " and calibration, with no cluster and no power actions.")
  static final class Serve implements Callable<Integer> {
    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "the config file (meters.kepler for per-container power, api.token)")
    Path config;

    @Option(
        names = "--http-port",
        paramLabel = "PORT",
        defaultValue = "8080",
        description = "the port (0: any free port); default: ${DEFAULT-VALUE}")
    int httpPort;

    @Option(
        names = "--address",
        paramLabel = "IP",
        defaultValue = "127.0.0.1",
        description = "the address to listen on; default: ${DEFAULT-VALUE}")
    String address;

    @Spec private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      EcoKubeConfig loaded;
      try (DriverRegistry drivers =
          DriverRegistry.builder().loadServices().secrets(SecretResolver.standard()).build()) {
        loaded = ConfigLoader.using(drivers).load(config);
      } catch (ConfigException | NoSuchFileException e) {
        spec.commandLine().getErr().println(message(e));
        return INVALID_CONFIG;
      }
      io.ecokube.controller.api.StandaloneApi api =
          io.ecokube.controller.api.StandaloneApi.start(
              loaded, java.net.InetAddress.getByName(address), httpPort);
      spec.commandLine().getOut().println("serving the API and dashboard on port " + api.port());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    api.close();
                    stopped.countDown();
                  },
                  "ecokube-shutdown"));
      stopped.await();
      return 0;
    }
  }

  /** {@code validate}: every problem of a config file at once. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description =
          "Checks a config file without touching a cluster and lists every problem with its key"
              + " path, line and column. Exit code 0: valid; 1: invalid.")
  static final class Validate implements Callable<Integer> {
    @Option(
        names = "--config",
        required = true,
        paramLabel = "FILE",
        description = "the file to check")
    Path config;

    @Spec private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (DriverRegistry drivers =
          DriverRegistry.builder()
              .loadServices()
              .secrets(offline(SecretResolver.standard()))
              .build()) {
        EcoKubeConfig loaded =
            ConfigLoader.using(drivers, Set.of(KubernetesSecretResolver.SCHEME)).load(config);
        out.println(
            config
                + " is valid: "
                + loaded.nodes().size()
                + (loaded.nodes().size() == 1 ? " node" : " nodes")
                + ", "
                + loaded.policy().pools().size()
                + " pools");
        for (String warning : loaded.warnings()) {
          out.println("warning: " + warning);
        }
        return 0;
      } catch (ConfigException | IOException e) {
        err.println(message(e));
        return INVALID_CONFIG;
      }
    }
  }

  /**
   * Secrets in the cluster cannot be read without one, so {@code validate} takes a Kubernetes
   * Secret reference on trust (its form is still checked) and resolves files and variables as the
   * controller would.
   */
  static SecretResolver offline(SecretResolver local) {
    return ref ->
        ref.scheme().equals(KubernetesSecretResolver.SCHEME)
            ? Secret.of("not read offline", ref.toString())
            : local.resolve(ref);
  }

  private static String message(Exception e) {
    if (e instanceof NoSuchFileException missing) {
      return "config file "
          + missing.getFile()
          + " does not exist; pass the path of your ecokube.yaml";
    }
    if (e instanceof ConfigException c) {
      StringBuilder b = new StringBuilder(c.problems().size() + " problem(s):");
      for (ConfigProblem p : c.problems()) {
        b.append(System.lineSeparator()).append("  ").append(p.located());
      }
      return b.toString();
    }
    return "cannot read the config: " + e.getMessage();
  }

  /** Builds the subcommands with the environment they take their defaults from. */
  private static final class Factory implements CommandLine.IFactory {
    private final Map<String, String> env;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    Factory(Map<String, String> env) {
      this.env = Map.copyOf(env);
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Run.class) {
        return cls.cast(new Run(env));
      }
      return fallback.create(cls);
    }
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EcoKubeCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ecokube-controller " + (v == null ? "development" : v)};
    }
  }
}
