package io.ecokube.controller.reload;

import io.ecokube.config.ConfigException;
import io.ecokube.config.EcoKubeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file and applies a changed one without a restart: the new text is validated as
 * at start-up, and only a valid config reaches {@code apply}. An invalid one is refused with an
 * error log and a call to {@code refused} (the controller makes it a Warning Event); the running
 * config stays.
 *
 * <p>A ConfigMap mounted as a volume is updated by the kubelet swapping a symlink ({@code ..data})
 * in the file's directory, so the directory is watched, not the file, and every event there leads
 * to a read and a comparison with the text last seen. The watch wakes at least every {@code
 * recheck} as well: some file systems (network mounts) deliver no events.
 */
public final class ConfigReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  /** Validates a config text; throws {@link ConfigException} listing every problem. */
  @FunctionalInterface
  public interface Parser {
    /** The validated config. */
    EcoKubeConfig parse(String text);
  }

  private final Path file;
  private final Parser parser;
  private final Consumer<EcoKubeConfig> apply;
  private final Consumer<String> refused;
  private final Duration recheck;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final WatchService watch;
  private final Thread thread;
  private String lastSeen;
  private volatile boolean running = true;

  /**
   * Starts watching.
   *
   * @param file the config file
   * @param running the text of the config now running (a change is measured against it)
   * @param parser validates a new text
   * @param apply takes a valid new config
   * @param refused takes the reason a new config was refused (every problem, never a secret)
   * @param recheck the longest wait between two reads without a file-system event
   */
  public ConfigReloader(
      Path file,
      String running,
      Parser parser,
      Consumer<EcoKubeConfig> apply,
      Consumer<String> refused,
      Duration recheck)
      throws IOException {
    this.file = file.toAbsolutePath();
    this.lastSeen = Objects.requireNonNull(running, "running");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.apply = Objects.requireNonNull(apply, "apply");
    this.refused = Objects.requireNonNull(refused, "refused");
    this.recheck = Objects.requireNonNull(recheck, "recheck");
    this.watch = FileSystems.getDefault().newWatchService();
    this.file
        .getParent()
        .register(
            watch,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(this::loop, "ecokube-config-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** New configs applied so far. */
  public long applied() {
    return applied.get();
  }

  /** New configs refused so far. */
  public long rejected() {
    return rejected.get();
  }

  private void loop() {
    while (running) {
      try {
        WatchKey key = watch.poll(recheck.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
        check();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("config reload failed; the running config stays", e);
      }
    }
  }

  /** Reads the file and applies it when it changed and is valid. */
  synchronized void check() {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      // Mid-swap, or deleted: the running config stays; the next event reads again.
      return;
    }
    if (text.equals(lastSeen)) {
      return;
    }
    lastSeen = text;
    EcoKubeConfig next;
    try {
      next = parser.parse(text);
    } catch (ConfigException e) {
      rejected.incrementAndGet();
      String why = "new config " + file + " refused, the running config stays: " + e.getMessage();
      LOG.error(why);
      refused.accept(why);
      return;
    }
    LOG.info("config {} changed: applying it", file);
    apply.accept(next);
    applied.incrementAndGet();
  }

  @Override
  public void close() {
    running = false;
    try {
      watch.close();
    } catch (IOException e) {
      LOG.debug("closing the config watch", e);
    }
    thread.interrupt();
  }
}
