package io.ecokube.examples.architecture.broken.test;

import io.ecokube.examples.architecture.broken.core.ReadsJson;

/** Breaks the test-kit rule on purpose: the kit for driver authors needs the engine. */
public final class KitUsingTheEngine {
  ReadsJson engine;
}
