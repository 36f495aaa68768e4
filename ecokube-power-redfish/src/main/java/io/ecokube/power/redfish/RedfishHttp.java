package io.ecokube.power.redfish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.tls.TlsContextBuilder;
import io.ecokube.power.redfish.RedfishClient.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP exchange with the Redfish service, no retries: TLS as configured, bounded connect and
 * request timeouts, no redirects (credentials stay on the configured origin), JSON in and out, and
 * transport failures turned into {@link PowerException}s.
 */
final class RedfishHttp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedfishClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String node;
  private final RedfishSettings settings;
  private final RedfishErrors errors;
  private final ExecutorService executor;
  private final HttpClient http;

  RedfishHttp(String node, RedfishSettings settings, RedfishErrors errors) {
    this.node = node;
    this.settings = settings;
    this.errors = errors;
    SSLContext tls = tlsContext(node, settings);
    this.executor = Executors.newCachedThreadPool(threads(node));
    this.http =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
  }

  /**
   * The JDK's CAs by default, the configured trust store when set, or no verification at all when
   * explicitly disabled.
   *
   * @throws DriverSettingsException when the trust store cannot be read
   */
  private static SSLContext tlsContext(String node, RedfishSettings s) {
    TlsContextBuilder b = TlsContextBuilder.create();
    if (!s.verifyTls()) {
      LOG.warn(
          "node '{}': TLS verification of {} is DISABLED ({}=false): the BMC's identity is not"
              + " checked and its credentials can be intercepted; set {} instead",
          node,
          s.endpoint(),
          RedfishSettings.TLS_VERIFY,
          RedfishSettings.TRUST_STORE);
      b.insecureTrustAll();
    } else {
      s.trustStore()
          .ifPresent(
              p ->
                  b.trustStore(p, s.trustStorePassword())
                      .passwordSetting(RedfishSettings.TRUST_STORE_PASSWORD));
      s.tlsPins().forEach(b::pinSha256);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new DriverSettingsException(node, RedfishSettings.TRUST_STORE, e.getMessage());
    }
  }

  private static ThreadFactory threads(String node) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ecokube-redfish-" + node + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Sends one request and reads the whole answer.
   *
   * @param credentials adds the authentication headers, or does nothing
   */
  Response send(String method, URI uri, JsonNode body, Consumer<HttpRequest.Builder> credentials)
      throws PowerException {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Accept", "application/json")
            .header("OData-Version", "4.0");
    credentials.accept(rb);
    if (body != null) {
      rb.header("Content-Type", "application/json");
      rb.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw errors.error(
          Kind.TIMEOUT,
          uri,
          method
              + " got no answer within "
              + (e instanceof java.net.http.HttpConnectTimeoutException
                  ? settings.connectTimeout().toMillis() + " ms (connect)"
                  : settings.requestTimeout().toMillis() + " ms")
              + "; check that the BMC is up and reachable, or raise "
              + RedfishSettings.REQUEST_TIMEOUT,
          e);
    } catch (IOException e) {
      throw errors.transportFailure(method, uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw errors.error(Kind.TIMEOUT, uri, method + " was interrupted", e);
    }
    String text = resp.body() == null ? "" : resp.body();
    JsonNode json = null;
    if (!text.isBlank()) {
      try {
        json = JSON.readTree(text);
      } catch (IOException e) {
        LOG.debug("node '{}': {} {} answered non-JSON text", node, method, uri);
      }
    }
    return new Response(uri, resp.statusCode(), resp.headers(), text, json);
  }

  /** Deletes a session, best effort: the BMC expires it anyway. Never throws. */
  void deleteSession(URI session, String token) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(session)
                  .timeout(settings.requestTimeout())
                  .header("X-Auth-Token", token)
                  .header("OData-Version", "4.0")
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      LOG.debug("node '{}': Redfish session {} deleted (HTTP {})", node, session, r.statusCode());
    } catch (IOException e) {
      LOG.info(
          "node '{}': could not delete Redfish session {} ({}); the BMC expires it",
          node,
          session,
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Releases the client's threads. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
