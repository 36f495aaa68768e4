package io.ecokube.core.engine;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Worker threads for actions, and bounded calls; see {@link ActionExecutor#threaded(int)}. */
final class ThreadedExecutor implements ActionExecutor {
  private final ExecutorService workers;
  private final ExecutorService calls;
  private final int size;

  ThreadedExecutor(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("executor workers must be >= 1, got " + workers);
    }
    this.size = workers;
    this.workers = Executors.newFixedThreadPool(workers, named("ecokube-action-"));
    // Calls get their own threads so a call that ignores interruption cannot starve the workers.
    this.calls = Executors.newCachedThreadPool(named("ecokube-call-"));
  }

  static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void dispatch(Runnable task) {
    workers.execute(task);
  }

  @Override
  public <T> T call(String what, Duration timeout, Callable<T> call) throws Exception {
    Future<T> f = calls.submit(call);
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException(what + " did not return within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw e;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    calls.shutdownNow();
  }

  @Override
  public String toString() {
    return "threaded(" + size + ")";
  }
}
