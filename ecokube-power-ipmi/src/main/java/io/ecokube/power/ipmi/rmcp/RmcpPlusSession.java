package io.ecokube.power.ipmi.rmcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated IPMI v2.0 (RMCP+) session with a BMC over UDP: opened with the RAKP key
 * exchange (falling back through the configured cipher suites), raised to the configured privilege,
 * used for any number of commands, and ended with Close Session.
 *
 * <p>It never asks the BMC for its cipher suites (Get Channel Cipher Suites is missing on some
 * BMCs): it offers each configured suite and moves on when the BMC refuses it. Not thread-safe: one
 * caller at a time.
 */
public final class RmcpPlusSession extends EstablishedSession {
  /** How many times a handshake that stalled part-way is started afresh, in all. */
  private static final int HANDSHAKE_ATTEMPTS = 3;

  private static final Logger log = LoggerFactory.getLogger(RmcpPlusSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Network function App (requests). */
  public static final int NETFN_APP = 0x06;

  /** Name-only lookup: the BMC finds the user by name, whatever its privilege. */
  private static final int ROLE_NAME_ONLY_LOOKUP = 0x10;

  /** RMCP+ status code 0Fh, "invalid integrity check value". */
  private static final int RAKP_STATUS_INVALID_INTEGRITY_CHECK = 0x0F;

  private final CipherSuite suite;
  private final int consoleSessionId;
  private final int bmcSessionId;
  private final SessionCrypto crypto;
  private final ReplayWindow inbound = new ReplayWindow();
  private int sequence;

  private RmcpPlusSession(
      SessionConfig config,
      UdpLink link,
      CipherSuite suite,
      int consoleSessionId,
      int bmcSessionId,
      SessionCrypto crypto) {
    super(config, link, 0);
    this.suite = suite;
    this.consoleSessionId = consoleSessionId;
    this.bmcSessionId = bmcSessionId;
    this.crypto = crypto;
  }

  /**
   * Opens a session, trying the configured cipher suites in order.
   *
   * @throws RmcpException when no session can be opened before the deadline; {@link
   *     RmcpException.Failure#CIPHER_SUITE_REFUSED} when the BMC refused every suite
   */
  public static RmcpPlusSession open(SessionConfig config, Deadline deadline) throws RmcpException {
    UdpLink link = UdpLink.connect(config);
    try {
      List<Integer> refused = new ArrayList<>();
      for (CipherSuite suite : config.cipherSuites()) {
        try {
          RmcpPlusSession session = handshakeWithRestarts(config, link, suite, deadline);
          if (!refused.isEmpty()) {
            log.debug(
                "BMC {} refused cipher suite(s) {}; using cipher suite {}",
                config.endpoint(),
                refused,
                suite.id());
          }
          session.raisePrivilege(config, deadline);
          return session;
        } catch (RmcpException e) {
          if (e.failure() != RmcpException.Failure.CIPHER_SUITE_REFUSED) {
            throw e;
          }
          log.debug(
              "BMC {} refused cipher suite {}: {}", config.endpoint(), suite.id(), e.getMessage());
          refused.add(suite.id());
        }
      }
      throw new RmcpException(
          RmcpException.Failure.CIPHER_SUITE_REFUSED,
          "the BMC refused every offered cipher suite "
              + refused
              + "; check which suites its LAN channel enables and list one of them in cipherSuites");
    } catch (RmcpException | RuntimeException e) {
      link.close();
      throw e;
    }
  }

  /**
   * Runs the handshake, starting it afresh when the BMC stopped answering part-way. A lost RAKP 2
   * or RAKP 4 cannot be repaired by resending RAKP 1 or 3: the BMC's half of the handshake has
   * moved on and it ignores the repeat. A BMC that never answered at all is not retried here
   * (retransmission already tried it), so a dead BMC costs no more requests than the retry setting
   * allows.
   */
  private static RmcpPlusSession handshakeWithRestarts(
      SessionConfig config, UdpLink link, CipherSuite suite, Deadline deadline)
      throws RmcpException {
    for (int attempt = 1; ; attempt++) {
      try {
        return handshake(config, link, suite, deadline);
      } catch (RmcpException e) {
        if (e.failure() != RmcpException.Failure.TIMEOUT
            || attempt >= HANDSHAKE_ATTEMPTS
            || deadline.expired()) {
          throw e;
        }
        log.debug(
            "handshake with {} stalled ({}); starting it afresh, attempt {} of {}",
            config.endpoint(),
            e.getMessage(),
            attempt + 1,
            HANDSHAKE_ATTEMPTS);
      }
    }
  }

  private static RmcpPlusSession handshake(
      SessionConfig config, UdpLink link, CipherSuite suite, Deadline deadline)
      throws RmcpException {
    int consoleSid = randomSessionId();
    int tag = RANDOM.nextInt(256);
    String user = config.username();

    byte[] open = openSessionRequest(tag, config.privilege(), consoleSid, suite);
    byte[] osr =
        link.exchange(
            "Open Session (cipher suite " + suite.id() + ")",
            () -> RmcpPacket.encode(RmcpPacket.PAYLOAD_OPEN_SESSION_REQUEST, 0, 0, open, crypto0()),
            preSession(RmcpPacket.PAYLOAD_OPEN_SESSION_RESPONSE, tag, consoleSid),
            deadline);
    int status = osr[1] & 0xff;
    if (status != 0) {
      throw rakpFailure("Open Session", status, suite, config);
    }
    if (osr.length < 36
        || (osr[12 + 4] & 0x3f) != suite.authentication().code()
        || (osr[20 + 4] & 0x3f) != suite.integrity().code()
        || (osr[28 + 4] & 0x3f) != suite.confidentiality().code()) {
      // A BMC that answers with other algorithms than asked has in effect refused this suite.
      throw new RmcpException(
          RmcpException.Failure.CIPHER_SUITE_REFUSED,
          "the BMC answered Open Session with other algorithms than cipher suite " + suite.id());
    }
    int bmcSid = le32(osr, 8);

    byte[] consoleRandom = new byte[16];
    RANDOM.nextBytes(consoleRandom);
    int role = config.privilege().code() | ROLE_NAME_ONLY_LOOKUP;
    byte[] name = user.getBytes(StandardCharsets.UTF_8);
    byte[] rakp1 =
        ByteBuffer.allocate(28 + name.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) tag)
            .put(new byte[3])
            .putInt(bmcSid)
            .put(consoleRandom)
            .put((byte) role)
            .put(new byte[2])
            .put((byte) name.length)
            .put(name)
            .array();
    byte[] rakp2 =
        link.exchange(
            "RAKP 1",
            () -> RmcpPacket.encode(RmcpPacket.PAYLOAD_RAKP_1, 0, 0, rakp1, crypto0()),
            preSession(RmcpPacket.PAYLOAD_RAKP_2, tag, consoleSid),
            deadline);
    status = rakp2[1] & 0xff;
    if (status != 0) {
      throw rakpFailure("RAKP 2", status, suite, config);
    }
    int macLength = suite.authentication().macLength();
    if (rakp2.length < 40 + macLength) {
      throw new RmcpException(
          RmcpException.Failure.PROTOCOL,
          "RAKP 2 is " + rakp2.length + " bytes long; expected " + (40 + macLength));
    }
    Rakp rakp =
        new Rakp(
            suite.authentication(),
            consoleSid,
            bmcSid,
            consoleRandom,
            Arrays.copyOfRange(rakp2, 8, 24),
            Arrays.copyOfRange(rakp2, 24, 40),
            role,
            name);
    byte[] password = config.password().reveal();
    byte[] kuid = null;
    try {
      kuid = Rakp.userKey(password);
      if (!MessageDigest.isEqual(
          rakp.rakp2AuthCode(kuid), Arrays.copyOfRange(rakp2, 40, 40 + macLength))) {
        refuseRakp2(link, tag, bmcSid);
        throw new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            "the BMC's proof of the password (RAKP 2) does not match ours: wrong password for"
                + " user '"
                + user
                + "' (check the password secret "
                + config.password().source()
                + ")");
      }
      byte[] sik = rakp.sessionIntegrityKey(kuid);
      byte[] proof = rakp.rakp3AuthCode(kuid);
      byte[] rakp3 =
          ByteBuffer.allocate(8 + proof.length)
              .order(ByteOrder.LITTLE_ENDIAN)
              .put((byte) tag)
              .put(new byte[3])
              .putInt(bmcSid)
              .put(proof)
              .array();
      byte[] rakp4 =
          link.exchange(
              "RAKP 3",
              () -> RmcpPacket.encode(RmcpPacket.PAYLOAD_RAKP_3, 0, 0, rakp3, crypto0()),
              preSession(RmcpPacket.PAYLOAD_RAKP_4, tag, consoleSid),
              deadline);
      status = rakp4[1] & 0xff;
      if (status != 0) {
        throw rakpFailure("RAKP 4", status, suite, config);
      }
      byte[] icv = rakp.rakp4Icv(sik);
      if (rakp4.length < 8 + icv.length
          || !MessageDigest.isEqual(icv, Arrays.copyOfRange(rakp4, 8, 8 + icv.length))) {
        throw new RmcpException(
            RmcpException.Failure.PROTOCOL,
            "the integrity check value in RAKP 4 does not match the session key; the BMC derived"
                + " different keys (a BMC key Kg may be set on it)");
      }
      SessionCrypto crypto = SessionCrypto.forSuite(suite, rakp.k1(sik), rakp.k2(sik));
      Arrays.fill(sik, (byte) 0);
      log.debug(
          "opened an RMCP+ session with {} (cipher suite {}, BMC session {})",
          config.endpoint(),
          suite.id(),
          Integer.toHexString(bmcSid));
      return new RmcpPlusSession(config, link, suite, consoleSid, bmcSid, crypto);
    } finally {
      Arrays.fill(password, (byte) 0);
      if (kuid != null) {
        Arrays.fill(kuid, (byte) 0);
      }
    }
  }

  /**
   * Tells the BMC that its RAKP 2 failed our check, as the specification asks, so that it frees the
   * half-open session at once instead of when it times out (BMCs have only a few slots).
   */
  private static void refuseRakp2(UdpLink link, int tag, int bmcSid) {
    byte[] refusal =
        ByteBuffer.allocate(8)
            .order(ByteOrder.LITTLE_ENDIAN)
            .put((byte) tag)
            .put((byte) RAKP_STATUS_INVALID_INTEGRITY_CHECK)
            .put(new byte[2])
            .putInt(bmcSid)
            .array();
    try {
      link.send(
          "RAKP 3 (refusal)",
          RmcpPacket.encode(RmcpPacket.PAYLOAD_RAKP_3, 0, 0, refusal, crypto0()));
    } catch (RmcpException e) {
      log.debug("could not tell {} that RAKP 2 failed: {}", link, e.getMessage());
    }
  }

  private static SessionCrypto crypto0() {
    return SessionCrypto.NONE;
  }

  static byte[] openSessionRequest(int tag, Privilege privilege, int consoleSid, CipherSuite s) {
    return ByteBuffer.allocate(32)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) tag)
        .put((byte) privilege.code())
        .put(new byte[2])
        .putInt(consoleSid)
        .put(algorithmPayload(0x00, s.authentication().code()))
        .put(algorithmPayload(0x01, s.integrity().code()))
        .put(algorithmPayload(0x02, s.confidentiality().code()))
        .array();
  }

  private static byte[] algorithmPayload(int type, int algorithm) {
    return new byte[] {(byte) type, 0, 0, 0x08, (byte) algorithm, 0, 0, 0};
  }

  private static UdpLink.Matcher<byte[]> preSession(int payloadType, int tag, int consoleSid) {
    return (data, length) -> {
      Optional<RmcpPacket.Decoded> d = RmcpPacket.decode(data, length, SessionCrypto.NONE);
      if (d.isEmpty() || d.get().payloadType() != payloadType) {
        return null;
      }
      byte[] p = d.get().payload();
      if (p.length < 2 || (p[0] & 0xff) != tag) {
        return null;
      }
      // Error answers may leave the session ID out; successful ones must name ours.
      if (p[1] == 0 && (p.length < 8 || le32(p, 4) != consoleSid)) {
        return null;
      }
      return p;
    };
  }

  private static RmcpException rakpFailure(
      String stage, int status, CipherSuite suite, SessionConfig config) {
    String what = stage + " status " + String.format(Locale.ROOT, "%02Xh", status);
    switch (status) {
      case 0x04:
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x10:
      case 0x11:
        return new RmcpException(
            RmcpException.Failure.CIPHER_SUITE_REFUSED,
            what + ": the BMC does not accept cipher suite " + suite.id());
      case 0x09:
      case 0x0A:
      case 0x0B:
        return new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            what
                + ": the BMC refuses privilege "
                + config.privilege().settingName()
                + " for user '"
                + config.username()
                + "'; lower the privilege setting or raise the user's limit on the BMC");
      case 0x0C:
      case 0x0D:
        return new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            what
                + ": the BMC does not know user '"
                + config.username()
                + "' or it is disabled; check the username setting");
      case 0x0F:
        return new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            what
                + ": the BMC rejected our proof of the password for user '"
                + config.username()
                + "'; check the password secret "
                + config.password().source());
      case 0x01:
        return new RmcpException(
            RmcpException.Failure.PROTOCOL,
            what + ": the BMC has no free session slot; other clients hold its sessions");
      default:
        return new RmcpException(
            RmcpException.Failure.PROTOCOL, what + ": the BMC refused the session");
    }
  }

  @Override
  public String security() {
    return "RMCP+ cipher suite " + suite.id();
  }

  /** The cipher suite this session runs with. */
  public CipherSuite cipherSuite() {
    return suite;
  }

  @Override
  protected byte[] wrap(byte[] message) {
    return RmcpPacket.encode(
        RmcpPacket.PAYLOAD_IPMI, bmcSessionId, nextSequence(), message, crypto);
  }

  @Override
  protected Optional<byte[]> unwrap(byte[] datagram, int length) throws RmcpException {
    Optional<RmcpPacket.Decoded> d = RmcpPacket.decode(datagram, length, crypto);
    if (d.isEmpty()
        || d.get().payloadType() != RmcpPacket.PAYLOAD_IPMI
        || d.get().sessionId() != consoleSessionId) {
      return Optional.empty();
    }
    // Without integrity anyone can forge packets, so only signed ones are checked.
    if (crypto.authenticated() && !inbound.accept(d.get().sequence())) {
      log.debug(
          "ignored a replayed or stale packet (sequence {}) from {}",
          Integer.toUnsignedString(d.get().sequence()),
          config.endpoint());
      return Optional.empty();
    }
    return Optional.of(d.get().payload());
  }

  @Override
  protected int bmcSessionId() {
    return bmcSessionId;
  }

  @Override
  protected String protocol() {
    return "RMCP+";
  }

  private int nextSequence() {
    sequence++;
    if (sequence == 0) {
      sequence = 1;
    }
    return sequence;
  }

  private static int randomSessionId() {
    int id;
    do {
      id = RANDOM.nextInt();
    } while (id == 0);
    return id;
  }

  static int le32(byte[] b, int offset) {
    return ByteBuffer.wrap(b, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }

  private static byte[] le32bytes(int v) {
    return Rakp.le32(v);
  }
}
