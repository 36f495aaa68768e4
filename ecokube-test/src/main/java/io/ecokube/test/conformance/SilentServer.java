package io.ecokube.test.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte: the endpoint of
 * a hung BMC or a machine whose network stack stalled. A driver pointed at it must give up within
 * its timeout.
 */
public final class SilentServer implements AutoCloseable {
  private final ServerSocket socket;
  private final List<Socket> held = new CopyOnWriteArrayList<>();

  private SilentServer(ServerSocket socket) {
    this.socket = socket;
    Thread t = new Thread(this::accept, "silent-server-" + socket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** Opens the listener on a free port of 127.0.0.1. */
  public static SilentServer start() {
    try {
      return new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a silent server on 127.0.0.1", e);
    }
  }

  private void accept() {
    while (true) {
      try {
        // Held open, never read or written, so the peer waits for a greeting that never comes.
        held.add(socket.accept());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** The port it listens on. */
  public int port() {
    return socket.getLocalPort();
  }

  /** How many connections it has accepted. */
  public int connections() {
    return held.size();
  }

  /** Closes the listener and every held connection. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a listener only fails when it is already closed.
    }
    for (Socket s : held) {
      try {
        s.close();
      } catch (IOException e) {
        // The peer may have closed it first.
      }
    }
  }

  @Override
  public String toString() {
    return "SilentServer[127.0.0.1:" + port() + "]";
  }
}
