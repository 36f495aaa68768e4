package io.ecokube.core.driver;

import io.ecokube.api.node.DriverSpec;
import io.ecokube.api.node.NodeSpec;
import io.ecokube.api.node.PowerAddress;
import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.power.ForwardingPowerDriver;
import io.ecokube.api.power.PowerCapability;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerOffMode;
import io.ecokube.api.power.PowerState;
import io.ecokube.api.secret.SecretResolver;
import io.ecokube.api.text.Suggestions;
import io.ecokube.api.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The power drivers Eco-Kube knows, by name, and the driver chains built from them for each node.
 *
 * <p>Providers come from {@link ServiceLoader} (every jar on the class path that lists a {@link
 * PowerDriverProvider}) and from programmatic registration; two providers with the same name are an
 * error, since config could not say which one it means. {@link #chainFor(NodeSpec)} builds a node's
 * chain once and caches it (a driver may hold a BMC session); {@link #close()} closes every cached
 * driver. The method reference {@code registry::chainFor} is what the engine's builder takes.
 */
public final class DriverRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriverRegistry.class);

  private final Map<String, PowerDriverProvider> providers;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Map<String, CachedChain> chains = new ConcurrentHashMap<>();

  private DriverRegistry(
      Map<String, PowerDriverProvider> providers, SecretResolver secrets, Clock clock) {
    this.providers = Collections.unmodifiableMap(new TreeMap<>(providers));
    this.secrets = secrets;
    this.clock = clock;
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The names of the known drivers, sorted. */
  public Set<String> names() {
    return providers.keySet();
  }

  /** The provider with this name. */
  public Optional<PowerDriverProvider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /**
   * The node's driver chain, in the order of its {@link PowerAddress}; built on first use and
   * cached. A node whose address changed since the chain was built gets a new chain (the old one is
   * closed). An unmanaged node has an empty chain.
   *
   * @throws DriverConfigException when a driver is unknown or its settings are invalid
   */
  public List<PowerDriver> chainFor(NodeSpec node) {
    CachedChain cached = chains.get(node.name());
    if (cached != null && cached.address.equals(node.address())) {
      return cached.drivers;
    }
    synchronized (this) {
      cached = chains.get(node.name());
      if (cached != null && cached.address.equals(node.address())) {
        return cached.drivers;
      }
      List<PowerDriver> built = build(node.name(), node.address().chain());
      CachedChain replaced = chains.put(node.name(), new CachedChain(node.address(), built));
      if (replaced != null) {
        closeAll(replaced.drivers);
      }
      return built;
    }
  }

  /**
   * Checks a chain without keeping it: every driver is built (providers do no I/O when building)
   * and closed again. Returns every problem, one per driver at most.
   */
  public List<DriverConfigException> check(String node, List<DriverSpec> chain) {
    return inspect(node, chain).problems();
  }

  /**
   * Checks a chain as {@link #check} does and also reports what the drivers that could be built can
   * do together, so a caller can refuse a chain that can never wake its node or never power it off.
   */
  public ChainInspection inspect(String node, List<DriverSpec> chain) {
    List<DriverConfigException> problems = new ArrayList<>();
    Set<PowerCapability> capabilities = EnumSet.noneOf(PowerCapability.class);
    for (int i = 0; i < chain.size(); i++) {
      try (PowerDriver driver = create(node, i, chain.get(i))) {
        capabilities.addAll(driver.capabilities());
      } catch (DriverConfigException e) {
        problems.add(e);
      }
    }
    return new ChainInspection(problems, capabilities);
  }

  /**
   * What {@link #inspect} found.
   *
   * @param problems one per driver that could not be built
   * @param capabilities the union of the capabilities of the drivers that could be built
   */
  public record ChainInspection(
      List<DriverConfigException> problems, Set<PowerCapability> capabilities) {
    /** Copies. */
    public ChainInspection {
      problems = List.copyOf(problems);
      capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(capabilities);
    }

    /** True when some driver can power the node on. */
    public boolean canWake() {
      return capabilities.contains(PowerCapability.POWER_ON);
    }

    /** True when some driver can power the node off, gracefully or by force. */
    public boolean canPowerOff() {
      return capabilities.contains(PowerCapability.POWER_OFF_GRACEFUL)
          || capabilities.contains(PowerCapability.POWER_OFF_FORCED);
    }
  }

  private List<PowerDriver> build(String node, List<DriverSpec> chain) {
    List<PowerDriver> drivers = new ArrayList<>(chain.size());
    try {
      for (int i = 0; i < chain.size(); i++) {
        drivers.add(new OwnedDriver(node, create(node, i, chain.get(i))));
      }
    } catch (RuntimeException e) {
      closeAll(drivers);
      throw e;
    }
    return List.copyOf(drivers);
  }

  private PowerDriver create(String node, int index, DriverSpec spec) {
    PowerDriverProvider provider = providers.get(spec.driver());
    if (provider == null) {
      throw new DriverConfigException(
          node,
          "drivers[" + index + "].driver",
          "'"
              + spec.driver()
              + "' is not a known power driver; known: "
              + names()
              + " (add the driver's jar to the class path)");
    }
    Set<String> known = provider.settingKeys();
    if (!known.isEmpty()) {
      for (String key : new TreeSet<>(spec.settings().keySet())) {
        if (!known.contains(key)) {
          throw new DriverConfigException(
              node,
              "drivers[" + index + "].settings." + key,
              "is not a setting of driver '"
                  + spec.driver()
                  + "'; "
                  + Suggestions.hint(key, known));
        }
      }
    }
    DriverSettings settings = new DriverSettings(node, spec.settings(), secrets);
    try {
      return Objects.requireNonNull(
          provider.create(new DriverContext(node, settings, clock)),
          () -> "driver provider '" + spec.driver() + "' returned no driver");
    } catch (DriverSettingsException e) {
      throw new DriverConfigException(
          node, "drivers[" + index + "].settings." + e.key(), problemOf(e));
    } catch (IllegalArgumentException e) {
      throw new DriverConfigException(
          node, "drivers[" + index + "].settings", String.valueOf(e.getMessage()));
    }
  }

  /** The exception's problem without the "node 'x': power setting 'k': " prefix it carries. */
  private static String problemOf(DriverSettingsException e) {
    String prefix = "node '" + e.node() + "': power setting '" + e.key() + "': ";
    String m = String.valueOf(e.getMessage());
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  /** Closes and forgets a node's cached chain, for a node removed from the cluster. */
  public void evict(String node) {
    CachedChain c = chains.remove(node);
    if (c != null) {
      closeAll(c.drivers);
    }
  }

  /** Closes every cached driver. */
  @Override
  public void close() {
    for (String node : List.copyOf(chains.keySet())) {
      evict(node);
    }
  }

  private static void closeAll(List<PowerDriver> drivers) {
    for (PowerDriver d : drivers) {
      try {
        d.close();
      } catch (RuntimeException e) {
        LOG.warn("power driver {} failed to close: {}", d.name(), e.toString());
      }
    }
  }

  private record CachedChain(PowerAddress address, List<PowerDriver> drivers) {}

  /**
   * A driver the registry owns: once the registry closed it (address change, eviction, close),
   * every call fails at once with a typed error instead of reaching a closed session, which some
   * protocols answer by hanging.
   */
  private static final class OwnedDriver extends ForwardingPowerDriver {
    private final String node;
    private final AtomicBoolean closed = new AtomicBoolean();

    OwnedDriver(String node, PowerDriver d) {
      super(d);
      this.node = node;
    }

    @Override
    public void powerOn() throws PowerException {
      open();
      super.powerOn();
    }

    @Override
    public void powerOff(PowerOffMode mode) throws PowerException {
      open();
      super.powerOff(mode);
    }

    @Override
    public PowerState readState() throws PowerException {
      open();
      return super.readState();
    }

    private void open() throws PowerException {
      if (closed.get()) {
        throw new PowerException(
            PowerException.Kind.UNSUPPORTED,
            node,
            name(),
            "this driver instance was closed by its registry; ask the registry for the node's"
                + " current chain");
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        super.close();
      }
    }

    @Override
    public String toString() {
      return delegate().toString();
    }
  }

  /** Builds a {@link DriverRegistry}. */
  public static final class Builder {
    private final Map<String, PowerDriverProvider> providers = new TreeMap<>();
    private final List<String> duplicates = new ArrayList<>();
    private SecretResolver secrets = SecretResolver.standard();
    private Clock clock = Clock.system();

    private Builder() {}

    /** Adds every provider {@link ServiceLoader} finds through the context class loader. */
    public Builder loadServices() {
      return loadServices(Thread.currentThread().getContextClassLoader());
    }

    /** Adds every provider {@link ServiceLoader} finds through the given class loader. */
    public Builder loadServices(ClassLoader loader) {
      for (PowerDriverProvider p : ServiceLoader.load(PowerDriverProvider.class, loader)) {
        register(p);
      }
      return this;
    }

    /** Adds a provider. */
    public Builder register(PowerDriverProvider provider) {
      String name = Objects.requireNonNull(provider.name(), "provider name");
      PowerDriverProvider previous = providers.putIfAbsent(name, provider);
      if (previous != null && previous != provider) {
        duplicates.add(
            "'"
                + name
                + "' is provided by both "
                + previous.getClass().getName()
                + " and "
                + provider.getClass().getName());
      }
      return this;
    }

    /** Resolves secret references in driver settings (default: files and environment). */
    public Builder secrets(SecretResolver resolver) {
      this.secrets = Objects.requireNonNull(resolver, "secrets");
      return this;
    }

    /** The clock drivers get (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws IllegalStateException when two providers share a name
     */
    public DriverRegistry build() {
      if (!duplicates.isEmpty()) {
        throw new IllegalStateException(
            "power driver names must be unique: "
                + String.join("; ", duplicates)
                + "; remove one of the jars or register only one");
      }
      return new DriverRegistry(providers, secrets, clock);
    }
  }
}
