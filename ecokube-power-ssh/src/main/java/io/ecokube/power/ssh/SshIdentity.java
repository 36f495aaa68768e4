package io.ecokube.power.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.KeyPair;
import io.ecokube.api.power.DriverSettingsException;
import io.ecokube.api.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The driver's private key: read, checked and decrypted at config load, then given to JSch. */
final class SshIdentity {
  private SshIdentity() {}

  /**
   * Loads and, if needed, decrypts the key now, so a bad key or passphrase fails at config load.
   */
  static void load(JSch jsch, String node, SshSettings settings, Path path) {
    byte[] key;
    try {
      key = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new DriverSettingsException(
          node,
          SshSettings.PRIVATE_KEY,
          "cannot read "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "); check that it exists and that this process may read it");
    }
    byte[] passphrase = settings.privateKeyPassphrase().map(Secret::reveal).orElse(null);
    try {
      KeyPair pair;
      try {
        pair = KeyPair.load(jsch, key, null);
      } catch (JSchException e) {
        throw new DriverSettingsException(
            node,
            SshSettings.PRIVATE_KEY,
            path
                + " is not a private key JSch can read ("
                + e.getMessage()
                + "); use an OpenSSH ed25519, ECDSA or RSA key");
      }
      try {
        if (pair.isEncrypted()) {
          if (passphrase == null) {
            throw new DriverSettingsException(
                node,
                SshSettings.PRIVATE_KEY_PASSPHRASE,
                "the key " + path + " is encrypted; set this to a file: or env: reference");
          }
          if (!pair.decrypt(passphrase.clone())) {
            throw new DriverSettingsException(
                node,
                SshSettings.PRIVATE_KEY_PASSPHRASE,
                "the passphrase from "
                    + settings.privateKeyPassphrase().get().source()
                    + " does not decrypt "
                    + path);
          }
        }
      } finally {
        pair.dispose();
      }
      jsch.addIdentity(path.toString(), key, null, passphrase == null ? null : passphrase.clone());
    } catch (JSchException e) {
      throw new DriverSettingsException(
          node, SshSettings.PRIVATE_KEY, "cannot use " + path + ": " + e.getMessage());
    } finally {
      Arrays.fill(key, (byte) 0);
      if (passphrase != null) {
        Arrays.fill(passphrase, (byte) 0);
      }
    }
  }
}
