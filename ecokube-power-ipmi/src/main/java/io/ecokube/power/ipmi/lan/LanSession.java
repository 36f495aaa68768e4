package io.ecokube.power.ipmi.lan;

import io.ecokube.power.ipmi.rmcp.CompletionCodes;
import io.ecokube.power.ipmi.rmcp.Deadline;
import io.ecokube.power.ipmi.rmcp.EstablishedSession;
import io.ecokube.power.ipmi.rmcp.IpmiMessage;
import io.ecokube.power.ipmi.rmcp.ReplayWindow;
import io.ecokube.power.ipmi.rmcp.RmcpException;
import io.ecokube.power.ipmi.rmcp.SessionConfig;
import io.ecokube.power.ipmi.rmcp.UdpLink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IPMI v1.5 LAN session with a BMC over UDP: Get Channel Authentication Capabilities, Get
 * Session Challenge, Activate Session with the configured auth type, Set Session Privilege Level,
 * then any number of commands, each carrying its auth code and session sequence number, and Close
 * Session at the end.
 *
 * <p>Answers of an authenticated session must carry a valid auth code and a fresh session sequence
 * number (a 16-packet replay window) unless the BMC says it does not sign them (per-message
 * authentication disabled). Not thread-safe: one caller at a time.
 */
public final class LanSession extends EstablishedSession {
  private static final Logger log = LoggerFactory.getLogger(LanSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final int NETFN_APP = 0x06;
  private static final int CMD_GET_CHANNEL_AUTH_CAPABILITIES = 0x38;
  private static final int CMD_GET_SESSION_CHALLENGE = 0x39;
  private static final int CMD_ACTIVATE_SESSION = 0x3A;

  /** Channel number meaning "the channel this request arrives on". */
  private static final int CURRENT_CHANNEL = 0x0E;

  /** Get Channel Authentication Capabilities, byte 3 bit 4: the BMC does not sign its answers. */
  private static final int PER_MESSAGE_AUTH_DISABLED = 0x10;

  private final AuthType authType;
  private final int sessionId;
  private final boolean answersSigned;
  private final ReplayWindow inbound = new ReplayWindow();
  private int sequence;

  private LanSession(
      SessionConfig config,
      UdpLink link,
      AuthType authType,
      int sessionId,
      int initialSequence,
      boolean answersSigned,
      int rqSeq) {
    super(config, link, rqSeq);
    this.authType = authType;
    this.sessionId = sessionId;
    this.sequence = initialSequence;
    this.answersSigned = answersSigned;
  }

  /**
   * Opens a session with the given auth type at the configured privilege.
   *
   * @throws RmcpException when no session can be opened before the deadline; {@link
   *     RmcpException.Failure#AUTH_TYPE_REFUSED} when the BMC does not support the auth type,
   *     {@link RmcpException.Failure#AUTHENTICATION} for an unknown user, a wrong password or a
   *     refused privilege
   */
  public static LanSession open(SessionConfig config, AuthType authType, Deadline deadline)
      throws RmcpException {
    UdpLink link = UdpLink.connect(config);
    try {
      return handshake(config, link, authType, deadline);
    } catch (RmcpException | RuntimeException e) {
      link.close();
      throw e;
    }
  }

  private static LanSession handshake(
      SessionConfig config, UdpLink link, AuthType authType, Deadline deadline)
      throws RmcpException {
    int[] rq = {0};
    int privilege = config.privilege().code();
    byte[] caps =
        preSession(
            link,
            rq,
            "Get Channel Authentication Capabilities",
            CMD_GET_CHANNEL_AUTH_CAPABILITIES,
            new byte[] {CURRENT_CHANNEL, (byte) privilege},
            deadline);
    if (caps.length < 3) {
      throw new RmcpException(
          RmcpException.Failure.PROTOCOL,
          "Get Channel Authentication Capabilities answered " + caps.length + " bytes");
    }
    int supported = caps[1] & 0x3f;
    if ((supported & authType.supportBit()) == 0) {
      throw new RmcpException(
          RmcpException.Failure.AUTH_TYPE_REFUSED,
          "the BMC does not offer IPMI 1.5 auth type "
              + authType.settingName()
              + " at privilege "
              + config.privilege().settingName()
              + " (it offers "
              + names(supported)
              + "); enable it on the BMC, or use protocol lanplus");
    }
    boolean answersSigned = authType != AuthType.NONE && (caps[2] & PER_MESSAGE_AUTH_DISABLED) == 0;

    byte[] user = Arrays.copyOf(config.username().getBytes(StandardCharsets.UTF_8), 16);
    byte[] challengeData = new byte[17];
    challengeData[0] = (byte) authType.code();
    System.arraycopy(user, 0, challengeData, 1, 16);
    byte[] challenge;
    try {
      challenge =
          preSession(
              link,
              rq,
              "Get Session Challenge",
              CMD_GET_SESSION_CHALLENGE,
              challengeData,
              deadline);
    } catch (RmcpException e) {
      int cc = e.completionCode().orElse(-1);
      if (cc == 0x81 || cc == 0x82) {
        throw new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            e.getMessage()
                + ": the BMC does not know user '"
                + config.username()
                + "' or refuses it; check the username setting");
      }
      throw e;
    }
    if (challenge.length < 20) {
      throw new RmcpException(
          RmcpException.Failure.PROTOCOL,
          "Get Session Challenge answered " + challenge.length + " bytes; expected 20");
    }
    int temporaryId = le32(challenge, 0);

    int outbound = randomNonZero();
    byte[] activate =
        ByteBuffer.allocate(22)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) authType.code())
            .put((byte) privilege)
            .put(challenge, 4, 16)
            .putInt(outbound)
            .array();
    byte[] activated;
    byte[] password = config.password().reveal();
    try {
      int seq = rq[0] = (rq[0] + 1) & 0x3f;
      byte[] message = IpmiMessage.request(NETFN_APP, CMD_ACTIVATE_SESSION, seq, activate);
      byte[] packet = LanPacket.encode(authType, 0, temporaryId, message, password);
      IpmiMessage.Response r =
          link.exchange(
              "Activate Session",
              () -> packet,
              (bytes, length) ->
                  LanPacket.decode(bytes, length)
                      .filter(d -> !answersSigned || validCode(d, password))
                      .flatMap(d -> matching(d.message(), seq, CMD_ACTIVATE_SESSION))
                      .orElse(null),
              deadline);
      if (r.completionCode() != 0) {
        throw activateRefused(config, r.completionCode());
      }
      activated = r.data();
    } catch (RmcpException e) {
      if (e.failure() == RmcpException.Failure.NO_ANSWER
          || e.failure() == RmcpException.Failure.TIMEOUT) {
        // BMCs drop a request whose auth code does not check out instead of answering it.
        throw new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            e.getMessage()
                + "; the BMC answered Get Session Challenge but not Activate Session, which is"
                + " what BMCs do when the auth code does not match: most likely a wrong password"
                + " for user '"
                + config.username()
                + "' (check the password secret "
                + config.password().source()
                + ")",
            e);
      }
      throw e;
    } finally {
      Arrays.fill(password, (byte) 0);
    }
    if (activated.length < 10) {
      throw new RmcpException(
          RmcpException.Failure.PROTOCOL,
          "Activate Session answered " + activated.length + " bytes; expected 10");
    }
    if ((activated[0] & 0x0f) != authType.code()) {
      throw new RmcpException(
          RmcpException.Failure.PROTOCOL,
          "the BMC activated the session with auth type "
              + (activated[0] & 0x0f)
              + " instead of "
              + authType.settingName());
    }
    int sessionId = le32(activated, 1);
    int initialSequence = le32(activated, 5);
    LanSession session =
        new LanSession(
            config,
            link,
            authType,
            sessionId,
            initialSequence == 0 ? 1 : initialSequence,
            answersSigned,
            rq[0]);
    session.raisePrivilege(config, deadline);
    log.debug(
        "opened an IPMI 1.5 session with {} (auth type {}, session {})",
        config.endpoint(),
        authType.settingName(),
        Integer.toHexString(sessionId));
    return session;
  }

  /** An exchange outside a session: auth type none, sequence and session ID zero. */
  private static byte[] preSession(
      UdpLink link, int[] rq, String what, int command, byte[] data, Deadline deadline)
      throws RmcpException {
    int seq = rq[0] = (rq[0] + 1) & 0x3f;
    byte[] packet =
        LanPacket.encode(
            AuthType.NONE, 0, 0, IpmiMessage.request(NETFN_APP, command, seq, data), new byte[0]);
    IpmiMessage.Response r =
        link.exchange(
            what,
            () -> packet,
            (bytes, length) ->
                LanPacket.decode(bytes, length)
                    .flatMap(d -> matching(d.message(), seq, command))
                    .orElse(null),
            deadline);
    if (r.completionCode() != 0) {
      throw RmcpException.completionCode(what, r.completionCode());
    }
    return r.data();
  }

  private static Optional<IpmiMessage.Response> matching(byte[] message, int seq, int command) {
    return IpmiMessage.decodeResponse(message)
        .filter(r -> r.rqSeq() == seq && r.command() == command && r.netFn() == (NETFN_APP | 1));
  }

  private static boolean validCode(LanPacket.Decoded d, byte[] password) {
    if (d.authType() == AuthType.NONE) {
      return false;
    }
    byte[] expected = d.authType().authCode(password, d.sessionId(), d.message(), d.sequence());
    return MessageDigest.isEqual(expected, d.authCode());
  }

  private static RmcpException activateRefused(SessionConfig config, int cc) {
    String what = "Activate Session was answered with completion code " + describe(cc);
    switch (cc) {
      case 0x81:
      case 0x82:
      case 0x83:
        return new RmcpException(
            RmcpException.Failure.PROTOCOL,
            what + ": the BMC has no free session slot; other clients hold its sessions");
      case 0x86:
        return new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            what
                + ": user '"
                + config.username()
                + "' may not run at privilege "
                + config.privilege().settingName()
                + "; lower the privilege setting or raise the user's limit on the BMC");
      default:
        return RmcpException.completionCode("Activate Session", cc);
    }
  }

  private static String describe(int cc) {
    switch (cc) {
      case 0x81:
        return "81h (no session slot available)";
      case 0x82:
        return "82h (no slot available for this user)";
      case 0x83:
        return "83h (no slot available at this privilege)";
      case 0x86:
        return "86h (requested privilege exceeds the limit)";
      default:
        return CompletionCodes.describe(cc);
    }
  }

  @Override
  public String security() {
    return "IPMI 1.5 auth type " + authType.settingName();
  }

  @Override
  protected byte[] wrap(byte[] message) {
    byte[] password = config.password().reveal();
    try {
      return LanPacket.encode(authType, nextSequence(), sessionId, message, password);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  @Override
  protected Optional<byte[]> unwrap(byte[] datagram, int length) throws RmcpException {
    Optional<LanPacket.Decoded> d = LanPacket.decode(datagram, length);
    if (d.isEmpty() || d.get().sessionId() != sessionId) {
      return Optional.empty();
    }
    if (answersSigned) {
      byte[] password = config.password().reveal();
      try {
        // Unsigned or wrongly signed answers may be forged: treat them as lost.
        if (!validCode(d.get(), password) || !inbound.accept(d.get().sequence())) {
          log.debug(
              "ignored an answer with a bad auth code or a stale sequence from {}",
              config.endpoint());
          return Optional.empty();
        }
      } finally {
        Arrays.fill(password, (byte) 0);
      }
    }
    return Optional.of(d.get().message());
  }

  @Override
  protected int bmcSessionId() {
    return sessionId;
  }

  @Override
  protected String protocol() {
    return "IPMI 1.5";
  }

  private int nextSequence() {
    int s = sequence;
    sequence++;
    if (sequence == 0) {
      sequence = 1;
    }
    return s;
  }

  private static String names(int mask) {
    List<String> names = new ArrayList<>();
    for (AuthType t : AuthType.values()) {
      if ((mask & t.supportBit()) != 0) {
        names.add(t.settingName());
      }
    }
    return names.isEmpty() ? "none of the known types" : String.join(", ", names);
  }

  private static int randomNonZero() {
    int v;
    do {
      v = RANDOM.nextInt();
    } while (v == 0);
    return v;
  }

  private static int le32(byte[] b, int offset) {
    return ByteBuffer.wrap(b, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
