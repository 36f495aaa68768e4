/**
 * Emulated bare-metal machines for the demo and for tests of real power drivers: a {@link
 * io.ecokube.test.virtualnode.VirtualNode} wakes on Wake-on-LAN magic packets sent to a UDP port on
 * 127.0.0.1 and powers off on an SSH command, needing nothing but a JDK (its SSH server is Apache
 * MINA SSHD, in the same JVM).
 *
 * <p>Wiring for a demo: start the node, write {@code node.knownHostsLine()} to a known_hosts file,
 * configure the node's power as {@code wol} with {@code node.wolDriverSettings()} and {@code ssh}
 * with {@code node.sshDriverSettings(knownHosts, passwordRef)}, and register the node Ready in the
 * cluster from a listener when it reaches {@code ON} (NotReady on {@code SHUTTING_DOWN}/{@code
 * OFF}).
 *
 * <p>Time: pass a {@link io.ecokube.test.virtualnode.VirtualTimeScheduler} sharing the simulation's
 * {@link io.ecokube.api.time.ManualClock} (or its {@link io.ecokube.api.time.EventLoop}) to run
 * boots and shutdowns as events on virtual time (they complete when the simulation runs the loop),
 * or leave the default {@link io.ecokube.test.virtualnode.NodeScheduler#realTime()}.
 */
package io.ecokube.test.virtualnode;
