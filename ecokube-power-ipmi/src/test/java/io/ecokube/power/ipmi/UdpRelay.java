package io.ecokube.power.ipmi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A UDP relay on 127.0.0.1 between one client and a BMC that drops chosen datagrams, to make packet
 * loss happen on purpose. With no BMC behind it, it is a black hole that only counts.
 */
final class UdpRelay implements AutoCloseable {
  private final DatagramSocket socket;
  private final Integer bmcPort;
  private final IntPredicate dropRequest;
  private final IntPredicate dropResponse;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger responses = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private final Thread thread;
  private final List<byte[]> answers = new CopyOnWriteArrayList<>();
  private volatile SocketAddress client;
  private volatile byte[] substitute;

  private UdpRelay(Integer bmcPort, IntPredicate dropRequest, IntPredicate dropResponse) {
    try {
      this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    this.bmcPort = bmcPort;
    this.dropRequest = dropRequest;
    this.dropResponse = dropResponse;
    this.thread = new Thread(this::run, "udp-relay-" + socket.getLocalPort());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Relays to a BMC.
   *
   * @param dropRequest given the 1-based number of a client datagram, whether to drop it
   * @param dropResponse given the 1-based number of a BMC datagram, whether to drop it
   */
  static UdpRelay to(int bmcPort, IntPredicate dropRequest, IntPredicate dropResponse) {
    return new UdpRelay(bmcPort, dropRequest, dropResponse);
  }

  /** Receives and counts, never answers: a BMC that is silent. */
  static UdpRelay blackHole() {
    return new UdpRelay(null, n -> true, n -> true);
  }

  int port() {
    return socket.getLocalPort();
  }

  /** Datagrams received from the client. */
  int requests() {
    return requests.get();
  }

  /** Datagrams dropped in either direction. */
  int dropped() {
    return dropped.get();
  }

  /** Every datagram the BMC sent, in order. */
  List<byte[]> answers() {
    return List.copyOf(answers);
  }

  /**
   * From now on, requests are not passed on and each is answered with the given datagram: an
   * attacker replaying something the BMC once said.
   */
  void replay(byte[] datagram) {
    substitute = datagram.clone();
  }

  private void run() {
    byte[] buf = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
        boolean fromBmc = bmcPort != null && p.getPort() == bmcPort;
        if (fromBmc) {
          answers.add(Arrays.copyOf(p.getData(), p.getLength()));
          int n = responses.incrementAndGet();
          if (dropResponse.test(n) || client == null) {
            dropped.incrementAndGet();
            continue;
          }
          socket.send(new DatagramPacket(p.getData(), p.getLength(), client));
        } else {
          client = p.getSocketAddress();
          int n = requests.incrementAndGet();
          byte[] fake = substitute;
          if (fake != null) {
            socket.send(new DatagramPacket(fake, fake.length, client));
            continue;
          }
          if (bmcPort == null || dropRequest.test(n)) {
            dropped.incrementAndGet();
            continue;
          }
          socket.send(
              new DatagramPacket(
                  p.getData(),
                  p.getLength(),
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), bmcPort)));
        }
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
