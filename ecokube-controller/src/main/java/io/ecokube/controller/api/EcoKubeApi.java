package io.ecokube.controller.api;

import io.ecokube.api.cluster.WorkloadRef;
import io.ecokube.api.time.Clock;
import io.ecokube.core.energy.EnergyLedger;
import io.ecokube.core.energy.Tariff;
import io.ecokube.predict.calibration.PowerCalibration;
import io.ecokube.prometheus.attribution.PodKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eco-Kube's versioned JSON API ({@code /api/v1/...}) and its dashboard ({@code /}), independent of
 * the HTTP server: {@link #handle} takes a request and gives the answer.
 *
 * <p>Every {@code /api/v1} path needs {@code Authorization: Bearer <token>}; without a configured
 * token the API answers 401 to everyone unless it was built {@linkplain Builder#anonymous
 * anonymous} (a secure default: an operator who forgot the token gets a clear refusal, not an open
 * API). The dashboard's static files carry no data and are served without a token (a browser cannot
 * send one on the first navigation); the page asks for the token and sends it on every API call.
 * Errors are RFC 9457 problem details naming the bad parameter. The OpenAPI document at {@code
 * /api/v1/openapi.json} describes every answer.
 */
public final class EcoKubeApi {
  private static final Logger LOG = LoggerFactory.getLogger(EcoKubeApi.class);
  static final String PREFIX = "/api/v1";

  private final Optional<byte[]> token;
  private final boolean anonymous;
  private final Optional<String> refused;
  private final PowerEndpoints power;
  private final CostEndpoints cost;
  private final ModelEndpoints models;
  private final byte[] openApi;

  private EcoKubeApi(Builder b) {
    this.token = b.token;
    this.anonymous = b.anonymous;
    this.refused = b.refused;
    Money money = new Money(b.tariff);
    this.power = new PowerEndpoints(b.clock, b.nodes, b.attribution, b.owners, money);
    this.cost =
        new CostEndpoints(b.clock, b.ledger, b.history, b.attribution, b.owners, money, power);
    this.models = new ModelEndpoints(b.clock, b.calibration, b.demand);
    this.openApi = resource("openapi.json");
  }

  /** A builder; everything but the clock and tariff is optional. */
  public static Builder builder(Clock clock, Tariff tariff) {
    return new Builder(clock, tariff);
  }

  /** Answers one request; never throws. */
  public ApiResponse handle(ApiRequest req) {
    String path = req.path();
    try {
      if (!path.startsWith(PREFIX + "/")) {
        return Dashboard.serve(req);
      }
      authorise(req);
      if (req.tooLarge().isPresent()) {
        throw ApiProblem.of(
            413,
            "Request too large",
            req.tooLarge().get() + "; the API reads at most 1 MiB: send fewer samples");
      }
      return route(req, path.substring(PREFIX.length()));
    } catch (ApiProblem p) {
      return problem(p, path);
    } catch (RuntimeException e) {
      LOG.warn("{} failed", req, e);
      return problem(
          ApiProblem.of(
              500, "Internal error", "the request failed: " + e.getClass().getSimpleName()),
          path);
    }
  }

  private ApiResponse route(ApiRequest req, String p) {
    String m = req.method();
    Map<String, String> q = req.query();
    if (p.equals("/openapi.json")) {
      only(m, "GET");
      return new ApiResponse(200, ApiResponse.JSON, openApi, Map.of());
    }
    if (p.equals("/predict/energy")) {
      only(m, "POST");
      return ok(models.predict(jsonBody(req)));
    }
    if (p.equals("/calibrate")) {
      only(m, "POST");
      return ok(models.calibrate(jsonBody(req)));
    }
    only(m, "GET");
    Object body =
        switch (p) {
          case "/nodes" -> power.nodes();
          case "/power/nodes" -> power.powerNodes();
          case "/power/pods" -> power.pods(q);
          case "/power/containers" -> power.containers(q);
          case "/power/workloads" -> power.workloads(q);
          case "/power/current" -> power.current(q);
          case "/cost/current" -> cost.current(q);
          case "/cost/range" -> cost.range(q);
          case "/cost/hourly" -> cost.hourly(q);
          case "/savings" -> cost.savings();
          case "/calibration/config" -> models.calibrationConfig();
          case "/demand" -> models.demand();
          default -> {
            if (p.startsWith("/cost/workloads/")) {
              yield cost.workload(p.substring("/cost/workloads/".length()), q);
            }
            throw ApiProblem.of(
                404,
                "Not found",
                "no endpoint "
                    + PREFIX
                    + p
                    + "; the endpoints are listed in "
                    + PREFIX
                    + "/openapi.json");
          }
        };
    return ok(body);
  }

  private static com.fasterxml.jackson.databind.JsonNode jsonBody(ApiRequest req) {
    String type = req.contentType().orElse("");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw ApiProblem.of(
          415,
          "Unsupported media type",
          "send the body as application/json (Content-Type was '" + type + "')");
    }
    return Json.parse(req.body());
  }

  private static void only(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw ApiProblem.of(
          405,
          "Method not allowed",
          "this endpoint takes " + allowed + ", not " + method,
          Map.of("Allow", allowed));
    }
  }

  private void authorise(ApiRequest req) {
    if (anonymous) {
      return;
    }
    Map<String, String> challenge = Map.of("WWW-Authenticate", "Bearer realm=\"ecokube\"");
    if (refused.isPresent()) {
      throw ApiProblem.of(401, "Unauthorized", refused.get(), challenge);
    }
    if (token.isEmpty()) {
      throw ApiProblem.of(
          401,
          "Unauthorized",
          "the API has no token configured, so it answers no one: set api.token in the config"
              + " (a secret reference such as file:/etc/ecokube/api-token)",
          challenge);
    }
    String h = req.authorization().orElse("");
    if (!h.startsWith("Bearer ")) {
      throw ApiProblem.of(
          401, "Unauthorized", "send the API token as 'Authorization: Bearer <token>'", challenge);
    }
    byte[] given = h.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    // Constant time, so the answer's timing does not leak how much of a guess was right.
    if (!MessageDigest.isEqual(token.get(), given)) {
      throw ApiProblem.of(
          401, "Unauthorized", "the bearer token is not the API's token", challenge);
    }
  }

  private static ApiResponse ok(Object body) {
    return new ApiResponse(200, ApiResponse.JSON, Json.bytes(body), Map.of());
  }

  static ApiResponse problem(ApiProblem p, String instance) {
    Map<String, Object> body =
        Json.obj(
            "type", p.type(),
            "title", p.title(),
            "status", p.status(),
            "detail", p.getMessage(),
            "instance", instance);
    p.parameter()
        .ifPresent(
            n ->
                body.put("invalid-params", List.of(Json.obj("name", n, "reason", p.getMessage()))));
    return new ApiResponse(p.status(), ApiResponse.PROBLEM, Json.bytes(body), p.headers());
  }

  static byte[] resource(String name) {
    try (InputStream in = EcoKubeApi.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds an {@link EcoKubeApi}. */
  public static final class Builder {
    private final Clock clock;
    private final Tariff tariff;
    private Optional<byte[]> token = Optional.empty();
    private boolean anonymous;
    private Optional<String> refused = Optional.empty();
    private Optional<EnergyLedger> ledger = Optional.empty();
    private Optional<LedgerHistory> history = Optional.empty();
    private Supplier<List<NodeStatus>> nodes = List::of;
    private Optional<PowerAttribution> attribution = Optional.empty();
    private Function<PodKey, Optional<WorkloadRef>> owners = p -> Optional.empty();
    private final CalibrationHolder calibration = new CalibrationHolder();
    private Optional<DemandHistory> demand = Optional.empty();

    private Builder(Clock clock, Tariff tariff) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.tariff = Objects.requireNonNull(tariff, "tariff");
    }

    /** The bearer token every API call must carry. */
    public Builder token(byte[] token) {
      if (token.length == 0 || new String(token, StandardCharsets.UTF_8).isBlank()) {
        throw new IllegalArgumentException("the API token is empty; check its secret");
      }
      this.token =
          Optional.of(
              new String(token, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8));
      return this;
    }

    /** Refuses every call, saying why (the configured token cannot be read). */
    public Builder refuseAll(String why) {
      this.refused = Optional.of(why);
      this.token = Optional.empty();
      return this;
    }

    /** Answers without a token (local use only; the config must say so explicitly). */
    public Builder anonymous(boolean anonymous) {
      this.anonymous = anonymous;
      return this;
    }

    /** The ledger and its history: savings, cost over ranges, hourly cost. */
    public Builder ledger(EnergyLedger ledger, LedgerHistory history) {
      this.ledger = Optional.of(ledger);
      this.history = Optional.of(history);
      return this;
    }

    /** The nodes and their states. */
    public Builder nodes(Supplier<List<NodeStatus>> nodes) {
      this.nodes = Objects.requireNonNull(nodes, "nodes");
      return this;
    }

    /** Per-container figures, and which workload owns a pod. */
    public Builder attribution(
        PowerAttribution attribution, Function<PodKey, Optional<WorkloadRef>> owners) {
      this.attribution = Optional.of(attribution);
      this.owners = Objects.requireNonNull(owners, "owners");
      return this;
    }

    /** The calibration the energy predictor starts with, until one is posted. */
    public Builder calibration(PowerCalibration initial, String source) {
      calibration.set(initial, source);
      return this;
    }

    /** Demand history and its forecast, for the dashboard. */
    public Builder demand(DemandHistory demand) {
      this.demand = Optional.of(demand);
      return this;
    }

    /** Builds. */
    public EcoKubeApi build() {
      return new EcoKubeApi(this);
    }
  }
}
