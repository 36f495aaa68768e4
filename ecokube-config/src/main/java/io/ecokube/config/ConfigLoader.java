package io.ecokube.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.core.driver.DriverRegistry;
import io.ecokube.core.energy.Tariff;
import io.ecokube.core.policy.EnginePolicy;
import io.ecokube.core.policy.PoolPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads and validates an Eco-Kube config document (YAML, or JSON, which is YAML too).
 *
 * <p>Validation reports every problem at once, each with its path, the bad value and what is
 * allowed; unknown fields are errors with a "did you mean" hint. Driver chains are checked by
 * building every driver through the {@link DriverRegistry} (providers do no I/O when building), so
 * a bad MAC address or a missing secret file is reported at load with its path. Settings whose key
 * names a secret ({@code password}, {@code passphrase}, {@code token}, {@code secret}) must hold a
 * reference ({@code file:/path}, {@code env:NAME}); an inline value is rejected and never repeated.
 * The document format is described in the module README.
 */
public final class ConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Set<String> TOP =
      Set.of(
          "pools",
          "nodes",
          "engine",
          "accounting",
          "priorityClasses",
          "demand",
          "meters",
          "forecast",
          "calibration",
          "api",
          "safety");

  private final DriverRegistry drivers;
  private final Set<String> secretSchemes;
  private final YAMLMapper mapper;

  private ConfigLoader(DriverRegistry drivers, Set<String> secretSchemes) {
    this.drivers = Objects.requireNonNull(drivers, "drivers");
    this.secretSchemes = Set.copyOf(secretSchemes);
    this.mapper = new YAMLMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  }

  /** A loader that checks drivers against the registry and accepts {@code file:}/{@code env:}. */
  public static ConfigLoader using(DriverRegistry drivers) {
    return new ConfigLoader(drivers, Set.of("file", "env"));
  }

  /**
   * A loader that also accepts secret references with further schemes (a custom {@link
   * io.ecokube.api.secret.SecretResolver} such as {@code k8s:}).
   */
  public static ConfigLoader using(DriverRegistry drivers, Set<String> secretSchemes) {
    // "Also": file: and env: stay accepted (the controller's resolver falls back to them).
    Set<String> all = new TreeSet<>(secretSchemes);
    all.addAll(Set.of("file", "env"));
    return new ConfigLoader(drivers, all);
  }

  /**
   * Reads and validates a file.
   *
   * @throws ConfigException listing every problem
   * @throws IOException when the file cannot be read
   */
  public EcoKubeConfig load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /**
   * Validates a document.
   *
   * @param text the YAML or JSON document
   * @param source what to call it in messages (a file name)
   * @throws ConfigException listing every problem, each with its key path, line and column
   */
  public EcoKubeConfig parse(String text, String source) {
    JsonNode root;
    try {
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
      int column = line == 0 ? 0 : Math.max(e.getLocation().getColumnNr(), 0);
      throw new ConfigException(
          source,
          List.of(
              new ConfigProblem(
                  "(document)", parserProblem(e.getOriginalMessage()), line, column)));
    }
    ConfigProblems problems = new ConfigProblems(SourceLocations.of(mapper.getFactory(), text));
    EcoKubeConfig config = document(root == null ? mapper.createObjectNode() : root, problems);
    if (problems.count() > 0) {
      throw new ConfigException(source, problems.errors());
    }
    for (String warning : config.warnings()) {
      LOG.warn("{}: {}", source, warning);
    }
    return config;
  }

  private EcoKubeConfig document(JsonNode root, ConfigProblems problems) {
    if (!root.isObject()) {
      problems.error(
          "(document)",
          "expected a mapping with pools, nodes and engine, got " + ConfigReader.kind(root));
      return null;
    }
    PolicySection policy = new PolicySection(problems);
    policy.fields(root, "", TOP);
    policy.priorityClasses(root.get("priorityClasses"));
    Map<String, PoolPolicy> pools = policy.pools(root.get("pools"));
    EnginePolicy.Builder builder = EnginePolicy.builder();
    pools.forEach(builder::pool);
    EnginePolicy built = policy.engine(root.get("engine"), builder);
    Tariff tariff = new AccountingSection(problems).accounting(root.get("accounting"));
    Set<String> declared = new TreeSet<>(pools.keySet());
    declared.add(EcoKubeConfig.DEFAULT_POOL);
    List<NodeSpec> nodes =
        new NodesSection(problems, drivers, secretSchemes).nodes(root.get("nodes"), declared);
    Optional<KafkaDemand> kafka =
        new DemandSection(problems, secretSchemes).kafka(root.get("demand"));
    Optional<ScaleEvents> scaleEvents =
        new ScaleEventsSection(problems, secretSchemes).scaleEvents(root.get("demand"));
    Optional<MeterSettings> meters =
        new MetersSection(problems, secretSchemes)
            .meters(root.get("meters"), nodes, declared, allNodesLoaded(root.get("nodes"), nodes));
    ForecastSettings forecast = new ForecastSection(problems).forecast(root.get("forecast"));
    ApiSettings api = new ApiSection(problems, secretSchemes).api(root.get("api"));
    Optional<CalibrationSettings> calibration =
        new CalibrationSection(problems)
            .calibration(root.get("calibration"), meters.isPresent() || root.hasNonNull("meters"));
    Safety safety = new SafetySection(problems).safety(root.get("safety"));
    // The admission checks count nodes; with a node dropped for its own errors they would add
    // misleading ones (a pool "too small" only because its node was invalid).
    if (built != null && problems.count() == 0) {
      policy.admission(built, nodes);
    }
    if (problems.count() > 0) {
      return null;
    }
    return new EcoKubeConfig(
        nodes,
        built,
        tariff,
        problems.warnings(),
        kafka,
        meters,
        forecast,
        scaleEvents,
        calibration,
        api,
        safety);
  }

  /** Whether every listed node loaded: a node dropped for its own errors is no unknown name. */
  private static boolean allNodesLoaded(JsonNode listed, List<NodeSpec> loaded) {
    return listed == null || !listed.isArray() || listed.size() == loaded.size();
  }

  /** The parser's explanation on one line, without its source excerpts and caret markers. */
  private static String parserProblem(String message) {
    List<String> parts = new ArrayList<>();
    for (String line : String.valueOf(message).split("\\R")) {
      String t = line.trim();
      if (!t.isEmpty()
          && !t.startsWith("in 'reader'")
          && !t.equals("^")
          && !line.startsWith("    ")) {
        parts.add(t);
      }
    }
    return String.join("; ", parts);
  }
}
