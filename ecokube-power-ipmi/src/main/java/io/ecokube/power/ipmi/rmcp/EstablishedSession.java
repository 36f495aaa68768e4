package io.ecokube.power.ipmi.rmcp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an open session does the same way in both LAN protocols: number requests, send them and
 * match their answers, and end the session. A protocol supplies only how an IPMI message travels in
 * its packets ({@link #wrap}, {@link #unwrap}). Not thread-safe: one caller at a time.
 */
public abstract class EstablishedSession implements IpmiSession {
  private static final Logger log = LoggerFactory.getLogger(EstablishedSession.class);
  private static final int CMD_CLOSE_SESSION = 0x3C;

  /** How long Close Session may wait for its answer: ending a session never blocks for long. */
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(1);

  /** The settings the session was opened with. */
  protected final SessionConfig config;

  /** The socket to the BMC, owned by the session. */
  protected final UdpLink link;

  private int rqSeq;
  private boolean closed;

  /**
   * Takes over an opened session.
   *
   * @param rqSeq the last request sequence number used while opening it
   */
  protected EstablishedSession(SessionConfig config, UdpLink link, int rqSeq) {
    this.config = Objects.requireNonNull(config, "config");
    this.link = Objects.requireNonNull(link, "link");
    this.rqSeq = rqSeq;
  }

  /**
   * Puts an IPMI message into this session's packet. Called for every transmission, so each gets a
   * new session sequence number (BMCs refuse a repeated one).
   */
  protected abstract byte[] wrap(byte[] message);

  /**
   * The IPMI message in a datagram, when the datagram belongs to this session and passes its checks
   * (integrity or auth code, replay window); empty for anything else, which is then ignored as if
   * lost.
   */
  protected abstract Optional<byte[]> unwrap(byte[] datagram, int length) throws RmcpException;

  /** The BMC's id of this session, which Close Session names. */
  protected abstract int bmcSessionId();

  /** The protocol's name, for logs. */
  protected abstract String protocol();

  @Override
  public byte[] execute(String what, int netFn, int command, byte[] data, Deadline deadline)
      throws RmcpException {
    if (closed) {
      throw new IllegalStateException("session is closed");
    }
    IpmiMessage.Response r = exchange(what, netFn, command, data, deadline);
    if (r.completionCode() != 0) {
      throw RmcpException.completionCode(what, r.completionCode());
    }
    return r.data();
  }

  private IpmiMessage.Response exchange(
      String what, int netFn, int command, byte[] data, Deadline deadline) throws RmcpException {
    int seq = nextRqSeq();
    byte[] message = IpmiMessage.request(netFn, command, seq, data);
    return link.exchange(
        what,
        () -> wrap(message),
        (bytes, length) ->
            unwrap(bytes, length)
                .flatMap(IpmiMessage::decodeResponse)
                .filter(r -> r.rqSeq() == seq && r.command() == command && r.netFn() == (netFn | 1))
                .orElse(null),
        deadline);
  }

  private int nextRqSeq() {
    rqSeq = (rqSeq + 1) & 0x3f;
    return rqSeq;
  }

  /** Ends the session with Close Session (best effort, briefly bounded) and frees the socket. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      IpmiMessage.Response r =
          exchange(
              "Close Session",
              RmcpPlusSession.NETFN_APP,
              CMD_CLOSE_SESSION,
              Rakp.le32(bmcSessionId()),
              Deadline.after(CLOSE_BOUND));
      log.debug(
          "closed the {} session with {} (completion code {})",
          protocol(),
          config.endpoint(),
          r.completionCode());
    } catch (RmcpException e) {
      log.debug("Close Session with {} failed: {}", config.endpoint(), e.getMessage());
    } finally {
      link.close();
    }
  }

  /**
   * Sends Close Session once without waiting for the answer, then frees the socket: for replacing
   * an idle session inside a caller's time bound (the BMC may already have dropped it).
   */
  @Override
  public final void closeWithoutWaiting() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      byte[] message =
          IpmiMessage.request(
              RmcpPlusSession.NETFN_APP, CMD_CLOSE_SESSION, nextRqSeq(), Rakp.le32(bmcSessionId()));
      link.send("Close Session", wrap(message));
    } catch (RmcpException e) {
      log.debug("Close Session with {} failed: {}", config.endpoint(), e.getMessage());
    } finally {
      link.close();
    }
  }

  /**
   * Frees the socket without telling the BMC, for a session whose BMC stopped answering: the BMC
   * ends the session itself when it times out.
   */
  @Override
  public final void abandon() {
    closed = true;
    link.close();
  }
}
