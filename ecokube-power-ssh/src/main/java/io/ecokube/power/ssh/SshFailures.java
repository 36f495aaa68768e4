package io.ecokube.power.ssh;

import com.jcraft.jsch.JSchChangedHostKeyException;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchUnknownHostKeyException;
import io.ecokube.api.power.PowerException;
import io.ecokube.api.power.PowerException.Kind;
import io.ecokube.api.secret.Secret;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;

/** The {@link PowerException} for a failed SSH connect: host key, authentication or network. */
final class SshFailures {
  private SshFailures() {}

  /** What a failed SSH connect means, with the command that fixes it where there is one. */
  static PowerException classify(JSchException e, String node, SshSettings settings) {
    String msg = String.valueOf(e.getMessage());
    String endpoint = settings.endpoint();
    String keyscan =
        "ssh-keyscan -p "
            + settings.port()
            + " "
            + settings.host()
            + " >> "
            + settings.knownHosts();
    if (e instanceof JSchUnknownHostKeyException
        || msg.startsWith("UnknownHostKey")
        || msg.startsWith("reject HostKey")) {
      return new PowerException(
          Kind.CONFIGURATION,
          node,
          endpoint,
          "the host key of "
              + settings.knownHostsName()
              + " is not in "
              + settings.knownHosts()
              + (Files.exists(settings.knownHosts()) ? "" : " (the file does not exist)")
              + " ("
              + msg
              + "). Check the fingerprint on the node's console (ssh-keygen -lf"
              + " /etc/ssh/ssh_host_ed25519_key.pub), then add the key: "
              + keyscan,
          e);
    }
    if (e instanceof JSchChangedHostKeyException || msg.startsWith("HostKey has been changed")) {
      return new PowerException(
          Kind.AUTHENTICATION,
          node,
          endpoint,
          "the host key of "
              + settings.knownHostsName()
              + " does NOT match the one in "
              + settings.knownHosts()
              + ": the node was reinstalled or someone is intercepting the connection. If the"
              + " change is expected, replace the entry: ssh-keygen -R '"
              + settings.knownHostsName()
              + "' -f "
              + settings.knownHosts()
              + " && "
              + keyscan,
          e);
    }
    if (msg.startsWith("Auth fail") || msg.startsWith("Auth cancel")) {
      String how =
          settings.privateKey().isPresent()
              ? "that the public key of "
                  + settings.privateKey().get()
                  + " is in ~"
                  + settings.user()
                  + "/.ssh/authorized_keys on the node"
              : "the password in " + settings.password().map(Secret::source).orElse("?");
      return new PowerException(
          Kind.AUTHENTICATION,
          node,
          endpoint,
          "user '" + settings.user() + "' was refused (" + msg + "); check " + how,
          e);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return new PowerException(
            Kind.TIMEOUT,
            node,
            endpoint,
            "no SSH handshake within "
                + settings.connectTimeout().toMillis()
                + "ms ("
                + msg
                + "); check that sshd runs on port "
                + settings.port(),
            e);
      }
      if (t instanceof UnknownHostException) {
        return new PowerException(
            Kind.CONFIGURATION,
            node,
            endpoint,
            "host '"
                + settings.host()
                + "' cannot be resolved; check the name or use an IP address",
            e);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new PowerException(
            Kind.UNREACHABLE,
            node,
            endpoint,
            "cannot connect ("
                + t.getMessage()
                + "); check that the node is on and sshd listens"
                + " on port "
                + settings.port(),
            e);
      }
    }
    if (msg.contains("timeout")) {
      return new PowerException(
          Kind.TIMEOUT,
          node,
          endpoint,
          "no SSH session within " + settings.connectTimeout().toMillis() + "ms (" + msg + ")",
          e);
    }
    if (msg.contains("closed by foreign host") || msg.contains("session is down")) {
      return new PowerException(
          Kind.UNREACHABLE, node, endpoint, "the connection was closed (" + msg + ")", e);
    }
    return new PowerException(Kind.PROTOCOL, node, endpoint, "SSH connection failed: " + msg, e);
  }
}
