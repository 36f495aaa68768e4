package io.ecokube.examples.architecture.broken.power.ssh;

import io.ecokube.examples.architecture.broken.core.ReadsJson;

/** Breaks the driver rule on purpose: a driver imports the engine. */
public final class DriverUsingTheEngine {
  ReadsJson engine;
}
