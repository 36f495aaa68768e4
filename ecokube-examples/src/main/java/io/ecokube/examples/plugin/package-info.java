/**
 * A complete custom power-driver plugin: {@link
 * io.ecokube.examples.plugin.ScriptPowerDriverProvider} powers nodes by running the operator's own
 * commands (a smart-plug CLI, a hypervisor's tool, a vendor utility). It shows everything a plugin
 * needs: a provider found through {@link java.util.ServiceLoader}, settings validated with {@link
 * io.ecokube.api.power.DriverSettings}, secrets by reference, declared capabilities, bounded calls
 * and typed {@link io.ecokube.api.power.PowerException}s.
 */
package io.ecokube.examples.plugin;
