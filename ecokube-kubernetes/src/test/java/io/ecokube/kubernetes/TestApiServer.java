package io.ecokube.kubernetes;

import io.kubernetes.client.openapi.ApiClient;

/** The fake API server for tests in sub-packages. */
public final class TestApiServer implements AutoCloseable {
  private final FakeApiServer delegate = new FakeApiServer();

  /** The official client pointed at the fake server. */
  public ApiClient client() {
    return delegate.client;
  }

  /**
   * Serves a custom resource as the API server does once its CRD is installed (the fake server must
   * be told the kind, the plural and that it is namespaced).
   */
  public void serveCustomResource(String group, String version, String kind, String plural) {
    delegate.server.expectCustomResource(
        new io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext.Builder()
            .withGroup(group)
            .withVersion(version)
            .withKind(kind)
            .withPlural(plural)
            .withScope("Namespaced")
            .withStatusSubresource(true)
            .build());
  }

  /**
   * The next {@code times} pod creates in the namespace are answered 500, as by an API server that
   * is briefly unwell.
   */
  public void failPodCreates(String namespace, int times) {
    delegate
        .server
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + namespace + "/pods")
        .andReturn(500, "{\"kind\":\"Status\",\"code\":500}")
        .times(times);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
