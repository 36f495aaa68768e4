package io.ecokube.kubernetes;

import io.kubernetes.client.openapi.ApiClient;

/** The fake API server for tests in sub-packages. */
public final class TestApiServer implements AutoCloseable {
  private final FakeApiServer delegate = new FakeApiServer();

  /** The official client pointed at the fake server. */
  public ApiClient client() {
    return delegate.client;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
