package io.ecokube.api.secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns a {@link SecretRef} into a {@link Secret}. The default understands {@code file:} and {@code
 * env:}; a Kubernetes controller adds {@code k8s:namespace/name/key}, a test may serve secrets from
 * memory.
 */
@FunctionalInterface
public interface SecretResolver {

  /**
   * Resolves a reference.
   *
   * @throws IllegalArgumentException when the scheme is unknown or the secret is missing; the
   *     message names the reference and how to fix it, never the value
   */
  Secret resolve(SecretRef ref);

  /** Files and environment variables, read when resolved. */
  static SecretResolver standard() {
    return standard(System::getenv);
  }

  /** Files and environment variables, with the environment given as a function (for tests). */
  static SecretResolver standard(Function<String, String> environment) {
    return ref -> {
      switch (ref.scheme()) {
        case "file":
          try {
            String text = Files.readString(Path.of(ref.location()));
            return Secret.of(text.strip(), ref.toString());
          } catch (IOException e) {
            throw new IllegalArgumentException(
                "secret file "
                    + ref.location()
                    + " cannot be read ("
                    + e.getClass().getSimpleName()
                    + "); check that it exists and that this process may read it");
          }
        case "env":
          String v = environment.apply(ref.location());
          if (v == null) {
            throw new IllegalArgumentException(
                "environment variable "
                    + ref.location()
                    + " is not set; export it before starting");
          }
          return Secret.of(v, ref.toString());
        default:
          throw new IllegalArgumentException(
              "unknown secret scheme '" + ref.scheme() + "'; use file:/path or env:NAME");
      }
    };
  }

  /**
   * Secrets from a map keyed by the reference's text ({@code mem:bmc}); for tests and embedding.
   */
  static SecretResolver inMemory(Map<String, String> secrets) {
    Map<String, String> copy = Map.copyOf(secrets);
    return ref -> {
      String v = copy.get(ref.toString());
      if (v == null) {
        throw new IllegalArgumentException("no secret is registered under " + ref);
      }
      return Secret.of(v, ref.toString());
    };
  }
}
