package io.ecokube.api.power;

/**
 * A driver setting is missing or invalid. The message names the node, the setting's path, the value
 * (never for secrets) and what is allowed.
 */
public class DriverSettingsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String node;
  private final String key;

  /**
   * Creates an exception.
   *
   * @param node the node whose settings are wrong
   * @param key the setting's name, for example {@code mac}
   * @param problem what is wrong and what is allowed, for example {@code 'zz:11' is not a MAC
   *     address; use aa:bb:cc:dd:ee:ff}
   */
  public DriverSettingsException(String node, String key, String problem) {
    super("node '" + node + "': power setting '" + key + "': " + problem);
    this.node = node;
    this.key = key;
  }

  /** The node whose settings are wrong. */
  public String node() {
    return node;
  }

  /** The name of the offending setting. */
  public String key() {
    return key;
  }
}
