package io.ecokube.test.conformance;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies everything written to {@code System.out} and {@code System.err} while it is open, and
 * still passes it through. With slf4j-simple (which writes to {@code System.err} unless told to
 * cache the stream) that is every log line the code under test writes; with another backend, route
 * its console appender to the standard streams.
 */
public final class OutputCapture implements AutoCloseable {
  private final PrintStream originalOut;
  private final PrintStream originalErr;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
  private boolean closed;

  private OutputCapture() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(tee(originalOut));
    System.setErr(tee(originalErr));
  }

  /** Starts copying the standard streams. */
  public static OutputCapture start() {
    return new OutputCapture();
  }

  private PrintStream tee(PrintStream original) {
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            original.write(b);
            synchronized (copy) {
              copy.write(b);
            }
          }

          @Override
          public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            synchronized (copy) {
              copy.write(b, off, len);
            }
          }

          @Override
          public void flush() {
            original.flush();
          }
        };
    return new PrintStream(both, true, StandardCharsets.UTF_8);
  }

  /** What was written so far. */
  public String text() {
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }

  /** Restores the original streams; safe to call twice. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      System.out.flush();
      System.err.flush();
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
