package io.ecokube.controller.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ecokube.config.ConfigException;
import io.ecokube.config.ConfigProblem;
import io.ecokube.config.EcoKubeConfig;
import io.ecokube.kubernetes.crd.CustomResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Maps NodePools, PowerPolicies and CostPolicies onto the config file's document and validates the
 * result with the same loader as the file, so a resource means exactly what the equivalent file
 * keys mean and is checked by the same rules. A pure function of its inputs.
 *
 * <p>How the two combine: the file is the base and always wins. A resource that sets something the
 * file already sets, or that an older resource of the same kind already sets, is refused with
 * reason {@code Conflict} naming the other side; the rest still apply. A resource whose settings
 * the loader refuses is refused with reason {@code Invalid} and the loader's messages, and the
 * others are validated again without it. Mapping:
 *
 * <ul>
 *   <li>NodePool {@code name} declares pool {@code pools.name} ({@code minWarmNodes} is {@code
 *       minActive}, {@code warmReserve}, {@code idleGrace}) and adds a {@code nodes[]} entry for
 *       each Node its selector picks, with the pool's power profile and driver chain; {@code
 *       cycleLimits} set {@code engine.maxCyclesPerNodePerDay} and {@code engine.minUptime}. A Node
 *       the file lists by name, or an older NodePool already holds, stays where it is.
 *   <li>PowerPolicy scope Cluster: {@code engine.clusterPowerCapWatts}, {@code engine.wakeRanker},
 *       {@code engine.green}, {@code engine.carbon}; scope Pool: {@code pools.X.powerCapWatts}.
 *   <li>CostPolicy: {@code engine.budget}, and {@code accounting} from its tariff and carbon
 *       intensity.
 * </ul>
 *
 * <p>Trust boundary: the driver chain, its settings and Secret references come from the NodePool
 * only. A Node contributes at most the one address the NodePool asks for, and only an IP literal
 * inside the NodePool's {@code allowedAddressNetworks} (or a MAC for the setting {@code mac}); a
 * Secret is always looked up in the NodePool's own namespace.
 */
public final class ResourceDocument {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ROUNDS = 16;

  /**
   * The outcome.
   *
   * @param config the effective config: the file with every applied resource
   * @param verdicts per resource ({@link CustomResource#describe()}), what became of it
   * @param document the assembled document (JSON): equal documents mean the same config
   */
  public record Result(EcoKubeConfig config, Map<String, Verdict> verdicts, String document) {
    /** Copies. */
    public Result {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(document, "document");
      verdicts = Map.copyOf(verdicts);
    }
  }

  private final ObjectNode file;
  private final Function<String, EcoKubeConfig> loader;
  // Documents the loader accepted in the last call: the loader builds every driver and reads
  // every referenced Secret, which a steady cluster need not repeat each period. Refused documents
  // are checked again each time, so a Secret created later is seen.
  private Map<String, EcoKubeConfig> accepted = Map.of();

  /**
   * @param file the config file's document (YAML parsed to a tree)
   * @param loader validates a document (JSON text) as the file loader does; throws {@link
   *     ConfigException} listing every problem
   */
  public ResourceDocument(ObjectNode file, Function<String, EcoKubeConfig> loader) {
    this.file = Objects.requireNonNull(file, "file").deepCopy();
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  /**
   * Assembles and validates.
   *
   * @param resources every NodePool, PowerPolicy and CostPolicy, oldest first
   * @param nodes the cluster's Nodes
   */
  public synchronized Result assemble(List<CustomResource> resources, List<NodeFacts> nodes) {
    Map<String, EcoKubeConfig> seen = accepted;
    accepted = new HashMap<>();
    Map<String, Verdict> refused = new LinkedHashMap<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      ResourceAssembly a = new ResourceAssembly(file, resources, nodes, refused);
      String text;
      try {
        text = JSON.writeValueAsString(a.doc);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the assembled document", e);
      }
      try {
        EcoKubeConfig known = seen.get(text);
        EcoKubeConfig config = known != null ? known : loader.apply(text);
        accepted.put(text, config);
        Map<String, Verdict> out = new LinkedHashMap<>(refused);
        a.applied.forEach(
            (key, r) ->
                out.put(
                    key,
                    new Verdict(
                        true,
                        "Applied",
                        "in force together with the config file",
                        a.warnings.getOrDefault(key, List.of()),
                        a.nodesOf.getOrDefault(key, List.of()))));
        return new Result(config, out, text);
      } catch (ConfigException e) {
        Map<String, List<String>> blamed = new TreeMap<>();
        for (ConfigProblem p : e.problems()) {
          Optional<String> owner = a.owners.owner(p.path());
          if (owner.isEmpty()) {
            // A problem of the file together with the resources as a whole: keep only the file.
            blamed.clear();
            a.applied.keySet().forEach(k -> blamed.put(k, List.of(p.path() + ": " + p.problem())));
            break;
          }
          blamed
              .computeIfAbsent(owner.get(), k -> new ArrayList<>())
              .add(a.owners.translate(owner.get(), p.path()) + ": " + p.problem());
        }
        blamed.forEach(
            (k, problems) ->
                refused.put(
                    k,
                    Verdict.refused(
                        "Invalid",
                        "not applied: "
                            + String.join("; ", problems)
                            + "; fix the spec, the rest of the configuration stays in force")));
      }
    }
    throw new IllegalStateException(
        "resources could not be assembled in " + MAX_ROUNDS + " rounds");
  }
}
