package io.ecokube.power.ipmi.rmcp;

/**
 * An open, authenticated IPMI session with one BMC, whatever the LAN protocol underneath: RMCP+
 * ({@link RmcpPlusSession}) or IPMI 1.5 LAN ({@code io.ecokube.power.ipmi.lan.LanSession}). Not
 * thread-safe: one caller at a time.
 */
public interface IpmiSession extends AutoCloseable {
  /**
   * Sends a command and returns its response data.
   *
   * @param what the command's name, for messages
   * @throws RmcpException with {@link RmcpException.Failure#COMPLETION_CODE} when the BMC answered
   *     with a non-zero completion code
   */
  byte[] execute(String what, int netFn, int command, byte[] data, Deadline deadline)
      throws RmcpException;

  /**
   * Raises the session to the configured privilege (Set Session Privilege Level), the last step of
   * opening a session in both protocols. On refusal the session is closed, and a refusal for lack
   * of rights becomes an {@link RmcpException.Failure#AUTHENTICATION} error that says what to
   * change.
   */
  default void raisePrivilege(SessionConfig config, Deadline deadline) throws RmcpException {
    try {
      execute(
          "Set Session Privilege Level",
          RmcpPlusSession.NETFN_APP,
          0x3B, // Set Session Privilege Level
          new byte[] {(byte) config.privilege().code()},
          deadline);
    } catch (RmcpException e) {
      close();
      int cc = e.completionCode().orElse(-1);
      if (cc == 0x80 || cc == 0x81 || cc == 0x82 || cc == CompletionCodes.INSUFFICIENT_PRIVILEGE) {
        throw new RmcpException(
            RmcpException.Failure.AUTHENTICATION,
            e.getMessage()
                + ": user '"
                + config.username()
                + "' may not run at privilege "
                + config.privilege().settingName()
                + "; lower the privilege setting or raise the user's limit on the BMC");
      }
      throw e;
    }
  }

  /** How the session is secured, for logs: e.g. {@code RMCP+ cipher suite 17}. */
  String security();

  /** Ends the session with Close Session (best effort, briefly bounded) and frees the socket. */
  @Override
  void close();

  /**
   * Sends Close Session once without waiting for the answer, then frees the socket: for replacing
   * an idle session inside a caller's time bound (the BMC may already have dropped it).
   */
  void closeWithoutWaiting();

  /** Frees the socket without telling the BMC, for a session whose BMC stopped answering. */
  void abandon();
}
