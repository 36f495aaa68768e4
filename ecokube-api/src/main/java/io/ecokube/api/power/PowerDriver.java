package io.ecokube.api.power;

import java.util.Set;

/**
 * Drives the power of one node. One instance serves one node (so a driver may keep a session to
 * that node's BMC open between calls); it is created by a {@link PowerDriverProvider} from that
 * node's settings.
 *
 * <p>Every call is bounded by the driver's own timeout and either returns or throws a {@link
 * PowerException}; none blocks forever. Calls may come from any thread but never two at once for
 * the same node: the engine keeps one action in flight per node. A driver that cannot do an
 * operation omits it from {@link #capabilities()} and throws {@link
 * PowerException.Kind#UNSUPPORTED} if called.
 *
 * <p>Returning from {@link #powerOn()} means the request was delivered, not that the machine
 * booted: the engine confirms a wake by the node becoming Ready.
 */
public interface PowerDriver extends AutoCloseable {

  /**
   * The provider name this driver came from ({@code wol}, {@code ipmi}, ...), for logs and metrics.
   */
  String name();

  /** What this driver can do for its node. */
  Set<PowerCapability> capabilities();

  /** Requests power-on. */
  void powerOn() throws PowerException;

  /** Requests power-off in the given mode. */
  void powerOff(PowerOffMode mode) throws PowerException;

  /** Reads the machine's power state now. */
  PowerState readState() throws PowerException;

  /** Releases sessions and sockets. Never throws; safe to call twice. */
  @Override
  default void close() {}
}
