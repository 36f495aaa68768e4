package io.ecokube.power.ipmi.rmcp;

/**
 * Spaces exchanges with one BMC: called before the first transmission of every request (never
 * before a retransmission), it blocks until the BMC may be sent the next one.
 */
@FunctionalInterface
public interface ExchangePacer {
  /** A pacer that never waits. */
  ExchangePacer NONE = () -> {};

  /** Blocks until the next request may go out. */
  void awaitTurn() throws InterruptedException;
}
