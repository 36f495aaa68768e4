package io.ecokube.power.ipmi.rmcp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket connected to one BMC that runs request/response exchanges: send, wait for a matching
 * answer, retransmit on silence, give up at the retry limit or the deadline, whichever comes first.
 */
public final class UdpLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UdpLink.class);

  /** Decides whether a received datagram answers the request; null means "not ours". */
  @FunctionalInterface
  public interface Matcher<T> {
    /** The answer, or null when the datagram is not the one awaited. */
    T match(byte[] data, int length) throws RmcpException;
  }

  /** A transmission with less time than this left to hear its answer is pointless. */
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final DatagramSocket socket;
  private final String endpoint;
  private final Duration responseTimeout;
  private final int retries;
  private final ExchangePacer pacer;
  private final byte[] buffer = new byte[1024];
  private boolean answered;

  private UdpLink(DatagramSocket socket, SessionConfig config) {
    this.socket = socket;
    this.endpoint = config.endpoint();
    this.responseTimeout = config.responseTimeout();
    this.retries = config.retries();
    this.pacer = config.pacer();
  }

  /** Opens a socket connected to the configured BMC. */
  public static UdpLink connect(SessionConfig config) throws RmcpException {
    InetSocketAddress target = config.target();
    if (target.isUnresolved()) {
      target = new InetSocketAddress(target.getHostString(), target.getPort());
      if (target.isUnresolved()) {
        throw new RmcpException(
            RmcpException.Failure.NETWORK,
            "cannot resolve host '" + target.getHostString() + "'; check the host setting and DNS");
      }
    }
    try {
      DatagramSocket s = new DatagramSocket();
      s.connect(target);
      return new UdpLink(s, config);
    } catch (IOException e) {
      throw new RmcpException(
          RmcpException.Failure.NETWORK, "cannot open a UDP socket to " + config.endpoint(), e);
    }
  }

  /** Whether the BMC has answered anything on this link. */
  public boolean answered() {
    return answered;
  }

  /**
   * Sends a request and returns the first answer the matcher accepts. The packet supplier is called
   * for every transmission, so a retransmission can carry a new session sequence number.
   */
  public <T> T exchange(String what, Supplier<byte[]> packet, Matcher<T> matcher, Deadline deadline)
      throws RmcpException {
    try {
      pacer.awaitTurn();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RmcpException(RmcpException.Failure.INTERRUPTED, "interrupted before " + what);
    }
    int sent = 0;
    for (int attempt = 0;
        attempt <= retries && deadline.remainingNanos() >= MIN_WAIT_NANOS;
        attempt++) {
      if (attempt > 0) {
        log.debug(
            "no answer to {} from {}; retransmission {} of {}", what, endpoint, attempt, retries);
      }
      send(what, packet.get());
      sent++;
      Deadline wait = deadline.atMost(responseTimeout);
      T answer = await(what, matcher, wait);
      if (answer != null) {
        answered = true;
        return answer;
      }
    }
    String detail =
        "no answer to "
            + what
            + " after "
            + sent
            + (sent == 1 ? " transmission" : " transmissions")
            + " ("
            + responseTimeout.toMillis()
            + " ms apart, "
            + retries
            + " retries allowed)";
    throw new RmcpException(
        answered ? RmcpException.Failure.TIMEOUT : RmcpException.Failure.NO_ANSWER, detail);
  }

  /** Sends without waiting for an answer. */
  public void send(String what, byte[] packet) throws RmcpException {
    try {
      socket.send(new DatagramPacket(packet, packet.length));
    } catch (PortUnreachableException e) {
      throw portUnreachable(what, e);
    } catch (IOException e) {
      throw new RmcpException(
          RmcpException.Failure.NETWORK, "cannot send " + what + " to " + endpoint, e);
    }
  }

  private <T> T await(String what, Matcher<T> matcher, Deadline wait) throws RmcpException {
    while (true) {
      long millis = TimeUnit.NANOSECONDS.toMillis(wait.remainingNanos());
      if (millis <= 0) {
        return null;
      }
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      try {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
        socket.receive(in);
      } catch (SocketTimeoutException e) {
        return null;
      } catch (PortUnreachableException e) {
        throw portUnreachable(what, e);
      } catch (IOException e) {
        throw new RmcpException(
            RmcpException.Failure.NETWORK, "cannot receive from " + endpoint + ": " + e, e);
      }
      T answer = matcher.match(in.getData(), in.getLength());
      if (answer != null) {
        return answer;
      }
      log.trace("ignored a datagram from {} while waiting for {}", endpoint, what);
    }
  }

  private RmcpException portUnreachable(String what, IOException e) {
    // Loopback and LANs report a closed port at once with ICMP; waiting longer cannot help.
    return new RmcpException(
        answered ? RmcpException.Failure.TIMEOUT : RmcpException.Failure.NO_ANSWER,
        "ICMP port unreachable while sending "
            + what
            + ": nothing listens on UDP "
            + endpoint
            + " (BMC down or wrong port)",
        e);
  }

  @Override
  public String toString() {
    return "UdpLink[" + endpoint + "]";
  }

  @Override
  public void close() {
    socket.close();
  }
}
