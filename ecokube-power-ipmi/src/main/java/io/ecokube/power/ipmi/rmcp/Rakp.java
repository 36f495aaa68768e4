package io.ecokube.power.ipmi.rmcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The values both sides of a RAKP key exchange agree on, and the codes and keys computed from them
 * (IPMI v2.0 section 13.31 to 13.32). Field names follow the specification: "console" is the remote
 * console (us), "bmc" is the managed system.
 *
 * @param algorithm the suite's authentication algorithm
 * @param consoleSessionId our session ID (SIDm)
 * @param bmcSessionId the BMC's session ID (SIDc)
 * @param consoleRandom our 16-byte random number (Rm)
 * @param bmcRandom the BMC's 16-byte random number (Rc)
 * @param bmcGuid the BMC's 16-byte GUID (GUIDc)
 * @param role the whole requested-role byte of RAKP 1, lookup bit included (ROLEm)
 * @param username the user name as sent (UNAMEm)
 */
record Rakp(
    AuthenticationAlgorithm algorithm,
    int consoleSessionId,
    int bmcSessionId,
    byte[] consoleRandom,
    byte[] bmcRandom,
    byte[] bmcGuid,
    int role,
    byte[] username) {

  /** IPMI v2.0 keys (Kuid, Kg) are 20-byte buffers, the password zero-padded. */
  static final int KEY_LENGTH = 20;

  /**
   * K1 and K2 are HMACs of 20 repeated bytes for every algorithm, as ipmitool and BMCs implement
   * them (the SHA-256 errata did not lengthen the constants).
   */
  private static final byte[] CONST_1 = filled(0x01);

  private static final byte[] CONST_2 = filled(0x02);

  /** The password as the 20-byte key Kuid. */
  static byte[] userKey(byte[] password) {
    if (password.length > KEY_LENGTH) {
      throw new IllegalArgumentException(
          "IPMI v2.0 passwords are at most " + KEY_LENGTH + " bytes long");
    }
    return Arrays.copyOf(password, KEY_LENGTH);
  }

  /** The key exchange authentication code the BMC sends in RAKP 2. */
  byte[] rakp2AuthCode(byte[] kuid) {
    return algorithm.mac(
        kuid,
        le32(consoleSessionId),
        le32(bmcSessionId),
        consoleRandom,
        bmcRandom,
        bmcGuid,
        roleAndName());
  }

  /** The key exchange authentication code we send in RAKP 3. */
  byte[] rakp3AuthCode(byte[] kuid) {
    return algorithm.mac(kuid, bmcRandom, le32(consoleSessionId), roleAndName());
  }

  /** The session integrity key SIK, keyed with Kg (Kuid when the BMC has no BMC key). */
  byte[] sessionIntegrityKey(byte[] kg) {
    return algorithm.mac(kg, consoleRandom, bmcRandom, roleAndName());
  }

  /** The integrity check value the BMC sends in RAKP 4. */
  byte[] rakp4Icv(byte[] sik) {
    return algorithm.rakp4Icv(sik, consoleRandom, le32(bmcSessionId), bmcGuid);
  }

  /** K1, the integrity key. */
  byte[] k1(byte[] sik) {
    return algorithm.mac(sik, CONST_1);
  }

  /** K2, whose first 16 bytes are the AES key. */
  byte[] k2(byte[] sik) {
    return algorithm.mac(sik, CONST_2);
  }

  private byte[] roleAndName() {
    byte[] b = new byte[2 + username.length];
    b[0] = (byte) role;
    b[1] = (byte) username.length;
    System.arraycopy(username, 0, b, 2, username.length);
    return b;
  }

  static byte[] le32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  private static byte[] filled(int value) {
    byte[] b = new byte[KEY_LENGTH];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
