package io.ecokube.power.ipmi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the external programs the tests drive, failing with the Debian package to install. */
final class Binaries {
  private Binaries() {}

  static Optional<Path> find(String name) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static Path path(String name) {
    return find(name).orElseThrow();
  }

  /** Fails the test with the package to install when the program is missing. */
  static void require(String name, String debianPackage) {
    if (find(name).isEmpty()) {
      throw new AssertionError(
          name
              + " is not installed; the IPMI integration tests need it: apt-get install -y "
              + debianPackage);
    }
  }
}
