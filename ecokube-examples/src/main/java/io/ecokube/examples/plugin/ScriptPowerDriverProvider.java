package io.ecokube.examples.plugin;

import io.ecokube.api.power.DriverContext;
import io.ecokube.api.power.DriverSettings;
import io.ecokube.api.power.PowerDriver;
import io.ecokube.api.power.PowerDriverProvider;
import io.ecokube.api.secret.Secret;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code script} driver: powers a node by running commands. Settings:
 *
 * <table>
 *   <caption>script driver settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code on}</td><td>none</td><td>command that powers the node on</td></tr>
 *   <tr><td>{@code off}</td><td>none</td><td>command that shuts it down gracefully</td></tr>
 *   <tr><td>{@code force-off}</td><td>none</td><td>command that cuts power</td></tr>
 *   <tr><td>{@code status}</td><td>none</td><td>command printing {@code on} or {@code off}</td></tr>
 *   <tr><td>{@code timeout}</td><td>{@code 30s}</td><td>bound on each command</td></tr>
 *   <tr><td>{@code secret-env.NAME}</td><td>none</td><td>a {@code file:}/{@code env:} reference,
 *       resolved and passed to the commands as environment variable {@code NAME}</td></tr>
 * </table>
 *
 * <p>At least one command is required; the driver's capabilities are the commands given. Commands
 * run through {@code /bin/sh -c} with {@code ECOKUBE_NODE} set to the node's name, so config files
 * that hold them must be as protected as the commands are powerful.
 */
public final class ScriptPowerDriverProvider implements PowerDriverProvider {
  static final String SECRET_ENV_PREFIX = "secret-env.";
  private static final Set<String> KEYS = Set.of("on", "off", "force-off", "status", "timeout");

  @Override
  public String name() {
    return "script";
  }

  @Override
  public PowerDriver create(DriverContext context) {
    DriverSettings s = context.settings();
    for (String key : s.keys()) {
      if (!KEYS.contains(key) && !key.startsWith(SECRET_ENV_PREFIX)) {
        throw s.error(
            key, "unknown setting; known: " + KEYS + " and " + SECRET_ENV_PREFIX + "NAME");
      }
    }
    Optional<String> on = s.string("on");
    Optional<String> off = s.string("off");
    Optional<String> forceOff = s.string("force-off");
    Optional<String> status = s.string("status");
    if (on.isEmpty() && off.isEmpty() && forceOff.isEmpty() && status.isEmpty()) {
      throw s.error("on", "the script driver needs at least one of on, off, force-off, status");
    }
    Duration timeout = s.duration("timeout", Duration.ofSeconds(30));
    Map<String, Secret> env = new LinkedHashMap<>();
    for (String key : s.keys()) {
      if (key.startsWith(SECRET_ENV_PREFIX)) {
        String var = key.substring(SECRET_ENV_PREFIX.length());
        if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw s.error(key, "'" + var + "' is not an environment variable name");
        }
        env.put(var, s.requireSecret(key));
      }
    }
    return new ScriptPowerDriver(context.node(), on, off, forceOff, status, timeout, env);
  }

  @Override
  public Set<String> settingKeys() {
    return Set.of("on", "off", "force-off", "status", "timeout");
  }
}
