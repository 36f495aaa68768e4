package io.ecokube.core.engine;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Runs everything on the caller's thread; see {@link ActionExecutor#inline()}. */
final class InlineExecutor implements ActionExecutor {
  static final InlineExecutor INSTANCE = new InlineExecutor();

  private InlineExecutor() {}

  @Override
  public void dispatch(Runnable task) {
    task.run();
  }

  @Override
  public <T> T call(String what, Duration timeout, Callable<T> call) throws Exception {
    return call.call();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "inline";
  }
}
