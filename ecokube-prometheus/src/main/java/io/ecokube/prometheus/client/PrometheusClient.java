package io.ecokube.prometheus.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.tls.TlsContextBuilder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client for the Prometheus HTTP API: instant queries ({@code /api/v1/query}) and range
 * queries ({@code /api/v1/query_range}), with bearer or basic auth and verified TLS. Thread-safe.
 */
public final class PrometheusClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusClientConfig config;
  private final HttpClient http;
  private final String authorization;

  /** Creates a client; no connection is made until the first query. */
  public PrometheusClient(PrometheusClientConfig config) {
    this.config = config;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(config.timeout())
            .followRedirects(HttpClient.Redirect.NEVER);
    if (config.insecureSkipTlsVerify()) {
      LOG.warn(
          "TLS verification is OFF for Prometheus at {}: any server can impersonate it."
              + " Configure a trust store instead.",
          config.baseUri());
      b.sslContext(TlsContextBuilder.create().insecureTrustAll().build());
    } else if (config.trustStore().isPresent() || !config.tlsPins().isEmpty()) {
      TlsContextBuilder tls = TlsContextBuilder.create();
      config.trustStore().ifPresent(p -> tls.trustStore(p, config.trustStorePassword()));
      config.tlsPins().forEach(tls::pinSha256);
      b.sslContext(tls.build());
    }
    this.http = b.build();
    if (config.bearerToken().isPresent()) {
      authorization = "Bearer " + config.bearerToken().get().revealAsString();
    } else if (config.basicUser().isPresent()) {
      String pair = config.basicUser().get() + ":" + config.basicPassword().get().revealAsString();
      authorization =
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    } else {
      authorization = null;
    }
  }

  /** The server this client talks to. */
  public URI baseUri() {
    return config.baseUri();
  }

  /** Evaluates an instant query now; returns the vector's samples (a scalar gives one sample). */
  public List<Sample> query(String promql) throws PrometheusException {
    JsonNode data = get("/api/v1/query", Map.of("query", promql), promql);
    return parseResult(data, promql);
  }

  /**
   * Evaluates an instant query at a past (or present) instant, as Prometheus would have answered
   * then: {@code increase(x[1h])} at {@code at} is the increase over the hour before it.
   */
  public List<Sample> query(String promql, Instant at) throws PrometheusException {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("query", promql);
    params.put("time", seconds(at));
    JsonNode data = get("/api/v1/query", params, promql);
    return parseResult(data, promql);
  }

  /**
   * Evaluates a range query.
   *
   * @return every point of every series, series after series
   */
  public List<Sample> queryRange(String promql, Instant start, Instant end, Duration step)
      throws PrometheusException {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("query", promql);
    params.put("start", seconds(start));
    params.put("end", seconds(end));
    params.put("step", Double.toString(step.toMillis() / 1000.0));
    JsonNode data = get("/api/v1/query_range", params, promql);
    return parseResult(data, promql);
  }

  private static String seconds(Instant t) {
    return Double.toString(t.toEpochMilli() / 1000.0);
  }

  private JsonNode get(String path, Map<String, String> params, String promql)
      throws PrometheusException {
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (q.length() > 0) {
        q.append('&');
      }
      q.append(e.getKey())
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    URI uri = config.baseUri().resolve(stripSlash(config.baseUri().getPath()) + path + "?" + q);
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(config.timeout()).GET();
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    HttpResponse<String> resp;
    String where = config.baseUri() + path;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new PrometheusException(
          PrometheusException.Kind.UNREACHABLE,
          "Prometheus at "
              + where
              + " did not accept a connection within "
              + config.timeout()
              + "; check the address and network policy",
          e);
    } catch (HttpTimeoutException e) {
      throw new PrometheusException(
          PrometheusException.Kind.TIMEOUT,
          "Prometheus at "
              + where
              + " did not answer within "
              + config.timeout()
              + " for query: "
              + promql,
          e);
    } catch (SSLException e) {
      throw new PrometheusException(
          PrometheusException.Kind.UNREACHABLE,
          "TLS handshake with Prometheus at "
              + where
              + " failed ("
              + e.getMessage()
              + "); configure a trust store holding the server's CA"
              + (config.tlsPins().isEmpty()
                  ? ""
                  : ", and pin the current certificate's fingerprint if it was renewed"),
          e);
    } catch (ConnectException e) {
      throw new PrometheusException(
          PrometheusException.Kind.UNREACHABLE,
          "cannot connect to Prometheus at " + where + " (" + e + "); is it running there?",
          e);
    } catch (IOException e) {
      throw new PrometheusException(
          PrometheusException.Kind.UNREACHABLE,
          "cannot reach Prometheus at " + where + ": " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException(
          PrometheusException.Kind.TIMEOUT, "interrupted while querying " + where, e);
    }
    int code = resp.statusCode();
    if (code == 401 || code == 403) {
      throw new PrometheusException(
          PrometheusException.Kind.AUTHENTICATION,
          "Prometheus at "
              + where
              + " refused the credentials (HTTP "
              + code
              + "); check the bearer token or basic-auth user and password",
          null);
    }
    JsonNode body;
    try {
      body = JSON.readTree(resp.body());
    } catch (IOException e) {
      throw new PrometheusException(
          PrometheusException.Kind.PROTOCOL,
          "Prometheus at "
              + where
              + " answered HTTP "
              + code
              + " with something that is not the API's JSON; is this URL a Prometheus server?",
          e);
    }
    if (code == 400 || code == 422) {
      throw new PrometheusException(
          PrometheusException.Kind.BAD_QUERY,
          "Prometheus rejected query '"
              + promql
              + "': "
              + body.path("error").asText("HTTP " + code),
          null);
    }
    if (code != 200 || !"success".equals(body.path("status").asText())) {
      throw new PrometheusException(
          PrometheusException.Kind.PROTOCOL,
          "Prometheus at "
              + where
              + " answered HTTP "
              + code
              + ": "
              + body.path("error").asText("no error message"),
          null);
    }
    return body.path("data");
  }

  private static String stripSlash(String p) {
    if (p == null) {
      return "";
    }
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static List<Sample> parseResult(JsonNode data, String promql) throws PrometheusException {
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    List<Sample> out = new ArrayList<>();
    switch (type) {
      case "vector":
        for (JsonNode s : result) {
          out.add(point(labels(s.path("metric")), s.path("value"), promql));
        }
        return out;
      case "matrix":
        for (JsonNode s : result) {
          Map<String, String> labels = labels(s.path("metric"));
          for (JsonNode v : s.path("values")) {
            out.add(point(labels, v, promql));
          }
        }
        return out;
      case "scalar":
        out.add(point(Map.of(), result, promql));
        return out;
      default:
        throw new PrometheusException(
            PrometheusException.Kind.PROTOCOL,
            "unexpected result type '" + type + "' for query '" + promql + "'",
            null);
    }
  }

  private static Map<String, String> labels(JsonNode metric) {
    Map<String, String> m = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = metric.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asText());
    }
    return m;
  }

  private static Sample point(Map<String, String> labels, JsonNode pair, String promql)
      throws PrometheusException {
    if (!pair.isArray() || pair.size() != 2) {
      throw new PrometheusException(
          PrometheusException.Kind.PROTOCOL,
          "malformed sample in the answer to '" + promql + "': " + pair,
          null);
    }
    double ts = pair.get(0).asDouble();
    double value;
    String v = pair.get(1).asText();
    switch (v) {
      case "NaN" -> value = Double.NaN;
      case "+Inf" -> value = Double.POSITIVE_INFINITY;
      case "-Inf" -> value = Double.NEGATIVE_INFINITY;
      default -> {
        try {
          value = Double.parseDouble(v);
        } catch (NumberFormatException e) {
          throw new PrometheusException(
              PrometheusException.Kind.PROTOCOL,
              "sample value '" + v + "' in the answer to '" + promql + "' is not a number",
              e);
        }
      }
    }
    return new Sample(labels, Instant.ofEpochMilli(Math.round(ts * 1000)), value);
  }

  @Override
  public void close() {
    // java.net.http.HttpClient only gained close() in Java 21; dropping the reference frees it.
  }

  @Override
  public String toString() {
    return "PrometheusClient[" + config + "]";
  }
}
