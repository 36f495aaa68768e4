package io.ecokube.power.ipmi.rmcp;

import java.util.List;
import java.util.Objects;

/**
 * An IPMI v2.0 cipher suite: an ID with its authentication, integrity and confidentiality
 * algorithms (IPMI v2.0 table 22-20). Only suites this implementation can run are offered.
 *
 * @param id the suite's number, as {@code ipmitool -C} takes it
 * @param authentication the RAKP algorithm
 * @param integrity the per-packet AuthCode algorithm
 * @param confidentiality the payload encryption
 */
public record CipherSuite(
    int id,
    AuthenticationAlgorithm authentication,
    IntegrityAlgorithm integrity,
    ConfidentialityAlgorithm confidentiality) {

  private static final List<CipherSuite> SUPPORTED =
      List.of(
          new CipherSuite(
              0,
              AuthenticationAlgorithm.RAKP_NONE,
              IntegrityAlgorithm.NONE,
              ConfidentialityAlgorithm.NONE),
          new CipherSuite(
              1,
              AuthenticationAlgorithm.RAKP_HMAC_SHA1,
              IntegrityAlgorithm.NONE,
              ConfidentialityAlgorithm.NONE),
          new CipherSuite(
              2,
              AuthenticationAlgorithm.RAKP_HMAC_SHA1,
              IntegrityAlgorithm.HMAC_SHA1_96,
              ConfidentialityAlgorithm.NONE),
          new CipherSuite(
              3,
              AuthenticationAlgorithm.RAKP_HMAC_SHA1,
              IntegrityAlgorithm.HMAC_SHA1_96,
              ConfidentialityAlgorithm.AES_CBC_128),
          new CipherSuite(
              15,
              AuthenticationAlgorithm.RAKP_HMAC_SHA256,
              IntegrityAlgorithm.NONE,
              ConfidentialityAlgorithm.NONE),
          new CipherSuite(
              16,
              AuthenticationAlgorithm.RAKP_HMAC_SHA256,
              IntegrityAlgorithm.HMAC_SHA256_128,
              ConfidentialityAlgorithm.NONE),
          new CipherSuite(
              17,
              AuthenticationAlgorithm.RAKP_HMAC_SHA256,
              IntegrityAlgorithm.HMAC_SHA256_128,
              ConfidentialityAlgorithm.AES_CBC_128));

  /** Validates the parts. */
  public CipherSuite {
    Objects.requireNonNull(authentication, "authentication");
    Objects.requireNonNull(integrity, "integrity");
    Objects.requireNonNull(confidentiality, "confidentiality");
  }

  /** The IDs this implementation can run: 0, 1, 2, 3, 15, 16, 17. */
  public static List<Integer> supportedIds() {
    return SUPPORTED.stream().map(CipherSuite::id).toList();
  }

  /**
   * The suite with the given ID.
   *
   * @throws IllegalArgumentException when the ID is not one of {@link #supportedIds()}
   */
  public static CipherSuite byId(int id) {
    for (CipherSuite s : SUPPORTED) {
      if (s.id == id) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "cipher suite " + id + " is not supported; use one of " + supportedIds());
  }

  /** Whether the suite proves neither side's identity (suite 0). */
  public boolean unauthenticated() {
    return authentication == AuthenticationAlgorithm.RAKP_NONE;
  }
}
